// Writes the block store of saved states (the reading side and the format: emulator/node/saved-states.ts).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { stateLayout } from '../node/state-parts.ts';
import { blockSize, statesIndexPath, type PackEntry, type SavedStateEntry, type StartState, type StatesIndex } from '../node/saved-states.ts';

/** A pack holds at most this many blocks (16 MB raw), so downloads run in parallel and progress moves. */
const packBlocks = 4096;

/**
 * Where a v86 state file may be cut so that equal memory pages land in equal blocks: the start of each buffer
 * (the packed guest RAM, the VGA memory, the disk's written chunks...), found from the state's own header.
 */
export function stateSegments(state: Uint8Array): number[] {
	const { info, bufferStart } = stateLayout(state);
	const cuts = [...new Set([0, ...info.buffer_infos.map((b) => bufferStart + b.offset), state.byteLength])].sort((a, b) => a - b);
	return cuts.slice(1).map((cut, i) => cut - cuts[i]);
}

export class StateStoreWriter {
	private readonly numbers = new Map<string, number>();
	private readonly blocks: Uint8Array[] = [];
	private readonly users: Set<string>[] = [];
	private readonly states = new Map<StartState, { savedAt: number; nodes: { name: string; ip: string; segments: number[]; blocks: number[] }[] }>();

	add(name: StartState, savedAt: number, nodes: { name: string; ip: string; state: Uint8Array }[]) {
		this.states.set(name, {
			savedAt,
			nodes: nodes.map(({ name: nodeName, ip, state }) => {
				const segments = stateSegments(state);
				const blocks: number[] = [];
				let offset = 0;
				for (const length of segments) {
					for (let at = 0; at < length; at += blockSize) {
						const block = new Uint8Array(blockSize);
						block.set(state.subarray(offset + at, offset + Math.min(length, at + blockSize)));
						blocks.push(this.intern(block, name));
					}
					offset += length;
				}
				return { name: nodeName, ip, segments, blocks };
			}),
		});
	}

	private intern(block: Uint8Array, user: string): number {
		const key = createHash('sha1').update(block).digest('base64');
		let number = this.numbers.get(key);
		if (number === undefined) {
			number = this.blocks.push(block) - 1;
			this.numbers.set(key, number);
			this.users.push(new Set());
		}
		this.users[number].add(user);
		return number;
	}

	/** Writes states/: packs grouped by which states use their blocks, so a page fetches nothing another state alone needs. */
	write(dir: string): { index: StatesIndex; bytes: number } {
		mkdirSync(join(dir, 'states'), { recursive: true });
		const groups = new Map<string, number[]>();
		this.users.forEach((users, block) => {
			const key = [...users].sort().join('+');
			const group = groups.get(key);
			if (group) group.push(block);
			else groups.set(key, [block]);
		});
		const renumbered = new Map<number, number>();
		const packs: (PackEntry & { users: string[] })[] = [];
		let bytes = 0;
		for (const [key, blocks] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
			for (let from = 0; from < blocks.length; from += packBlocks) {
				const members = blocks.slice(from, from + packBlocks);
				const raw = new Uint8Array(members.length * blockSize);
				members.forEach((block, i) => {
					renumbered.set(block, renumbered.size);
					raw.set(this.blocks[block], i * blockSize);
				});
				const gz = gzipSync(raw, { level: 9 });
				const file = `states/${createHash('sha256').update(gz).digest('hex').slice(0, 16)}.pack`;
				writeFileSync(join(dir, file), gz);
				bytes += gz.byteLength;
				packs.push({ file, blocks: members.length, users: key.split('+') });
			}
		}
		const states: Record<string, SavedStateEntry> = {};
		for (const [name, state] of this.states) {
			const words = state.nodes.flatMap((node) => {
				const out = [node.segments.length, ...node.segments];
				let at = 0;
				for (const length of node.segments) {
					const count = Math.ceil(length / blockSize);
					out.push(count, ...node.blocks.slice(at, at + count).map((block) => renumbered.get(block)!));
					at += count;
				}
				return out;
			});
			const map = `states/${name}.map`;
			const gz = gzipSync(new Uint8Array(Uint32Array.from(words).buffer), { level: 9 });
			writeFileSync(join(dir, map), gz);
			bytes += gz.byteLength;
			states[name] = {
				savedAt: state.savedAt,
				nodes: state.nodes.map(({ name: nodeName, ip }) => ({ name: nodeName, ip })),
				map,
				packs: packs.flatMap((pack, i) => (pack.users.includes(name) ? [i] : [])),
			};
		}
		const index: StatesIndex = { version: 1, blockSize, packs: packs.map(({ file, blocks }) => ({ file, blocks })), states };
		writeFileSync(join(dir, statesIndexPath), JSON.stringify(index, null, 1));
		return { index, bytes };
	}
}
