// Saved machines as a block store (static/vm/states/): every saved v86 state is cut into 4 KB blocks, each distinct
// block is stored once across all nodes and start states, in gzip packs; a start state is an index of block numbers.
// Layout and reasons: emulator/README.md.
import { gunzip, gunzipInto } from './inflate.ts';
import { memoryBufferIds, stateLayout, type StateParts } from './state-parts.ts';
import { VmFileError, type ReadVmFile } from './vm-files.ts';

export const blockSize = 4096;
export const statesIndexPath = 'states/index.json';

/** The start states the image holds: one prepared node, three with their identities, and three in one swarm. */
export type StartState = 'base' | 'fresh' | 'swarm';
export const startStates: readonly StartState[] = ['base', 'fresh', 'swarm'];

export interface PackEntry {
	/** Path relative to static/vm/. */
	file: string;
	/** How many blocks it holds: block numbers run on from one pack to the next. */
	blocks: number;
}

export interface SavedStateEntry {
	/** Wall-clock time (ms since the epoch) the guests showed when they were saved. */
	savedAt: number;
	nodes: { name: string; ip: string }[];
	/** gzip of little-endian u32s: per node, its segment count, each segment's length, its block count, its blocks. */
	map: string;
	/** Indices into `packs` of the packs this state needs. */
	packs: number[];
}

export interface StatesIndex {
	version: 1;
	blockSize: number;
	packs: PackEntry[];
	states: Record<string, SavedStateEntry>;
}

export interface SavedNodeState {
	name: string;
	ip: string;
	/** Assembles the node's state from the inflated packs, new buffers at each call: a caller can hand each
	 * node's to its worker as soon as it is made, while the next one is assembled. */
	parts(): StateParts;
}

export interface LoadedState {
	name: StartState;
	savedAt: number;
	nodes: SavedNodeState[];
}

export function parseStatesIndex(bytes: Uint8Array): StatesIndex {
	let index: StatesIndex;
	try {
		index = JSON.parse(new TextDecoder().decode(bytes));
	} catch (error) {
		throw new VmFileError(statesIndexPath, `is not valid JSON (${(error as Error).message})`);
	}
	if (index.version !== 1 || index.blockSize !== blockSize || !Array.isArray(index.packs) || !index.states) {
		throw new VmFileError(statesIndexPath, 'has an unknown format (rebuild with `npm run vm`)');
	}
	return index;
}

/** The bytes to download before these states can start: their maps and packs (each once), sized by the manifest. */
export function stateDownloadBytes(index: StatesIndex, names: StartState[], sizeOf: (path: string) => number): number {
	const entries = names.map((name) => stateEntry(index, name));
	const packs = new Set(entries.flatMap((entry) => entry.packs));
	return entries.reduce((sum, entry) => sum + sizeOf(entry.map), 0) + [...packs].reduce((sum, pack) => sum + sizeOf(index.packs[pack].file), 0);
}

/** The saved states a cluster of these nodes restores from: the start state, and `base` for nodes it does not hold. */
export function statesFor(index: StatesIndex, start: StartState, nodes: { name: string; ip: string }[]): StartState[] {
	const saved = stateEntry(index, start).nodes;
	const all = nodes.every((spec) => saved.some((node) => node.name === spec.name && node.ip === spec.ip));
	return all || start === 'base' ? [start] : [start, 'base'];
}

function stateEntry(index: StatesIndex, name: string): SavedStateEntry {
	const entry = index.states[name];
	if (!entry) throw new VmFileError(statesIndexPath, `has no start state "${name}" (it has ${Object.keys(index.states).join(', ')})`);
	return entry;
}

/** Puts one pack's blocks, read and checked against the manifest, then inflated, into `target`. */
export type FillPack = (file: string, target: Uint8Array) => Promise<void>;

/** Fills packs on the calling thread (Node.js inflates off the JavaScript thread already). */
export function fillPackHere(read: ReadVmFile): FillPack {
	return async (file, target) => {
		const size = await gunzipInto(await read(file), target).catch((error: Error) => {
			throw new VmFileError(file, `does not inflate: ${error.message}`);
		});
		if (size !== target.byteLength) throw new VmFileError(file, `inflates to ${size} bytes, not ${target.byteLength / blockSize} blocks`);
	};
}

/** How packs get filled during one load: `fill`, then `close` once the load is over. */
export interface PackFiller {
	fill: FillPack;
	close(): void;
}

/** Shared memory lets every node's worker read the inflated blocks where they are: always in Node.js, in a browser
 * only on a cross-origin isolated page. */
function sharedMemoryUsable(): boolean {
	const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
	return typeof SharedArrayBuffer === 'function' && isolated !== false;
}

/**
 * Downloads the packs a state needs (each once, whatever the number of nodes), inflates each once into one buffer,
 * and describes every node's state over it. `read` checks each file against the manifest.
 */
export async function loadSavedState(read: ReadVmFile, index: StatesIndex, name: StartState, fill: FillPack = fillPackHere(read)): Promise<LoadedState> {
	const entry = stateEntry(index, name);
	// Where each block lives: its page in the inflated buffer, where the state's packs follow one another.
	const pageOfBlock = new Int32Array(index.packs.reduce((sum, pack) => sum + pack.blocks, 0)).fill(-1);
	let pages = 0;
	const placed = entry.packs.map((i) => {
		const first = index.packs.slice(0, i).reduce((sum, pack) => sum + pack.blocks, 0);
		const place = { pack: index.packs[i], page: pages };
		for (let b = 0; b < place.pack.blocks; b++) pageOfBlock[first + b] = pages + b;
		pages += place.pack.blocks;
		return place;
	});
	const shared = sharedMemoryUsable();
	const store = shared ? new SharedArrayBuffer(pages * blockSize) : new ArrayBuffer(pages * blockSize);
	const blocksData = new Uint8Array(store);
	const [map] = await Promise.all([
		read(entry.map).then(gunzip),
		...placed.map(({ pack, page }) => fill(pack.file, blocksData.subarray(page * blockSize, (page + pack.blocks) * blockSize))),
	]);
	const pageOf = (block: number) => {
		const page = pageOfBlock[block] ?? -1;
		if (page < 0) throw new VmFileError(entry.map, `refers to block ${block}, which none of the state's packs holds`);
		return page;
	};
	/** The first `length` bytes of a segment, copied out of its blocks. */
	const assemble = (blocks: Uint32Array, length: number) => {
		const out = new Uint8Array(length);
		for (let b = 0; b * blockSize < length; b++) {
			const from = pageOf(blocks[b]) * blockSize;
			out.set(blocksData.subarray(from, from + Math.min(blockSize, length - b * blockSize)), b * blockSize);
		}
		return out;
	};
	const words = new Uint32Array(map.buffer, map.byteOffset, map.byteLength >>> 2);
	let at = 0;
	const take = (count: number) => {
		if (at + count > words.length) throw new VmFileError(entry.map, 'ends too early');
		at += count;
		return words.subarray(at - count, at);
	};
	const nodes = entry.nodes.map(({ name: nodeName, ip }) => {
		const lengths = [...take(take(1)[0])];
		const starts = lengths.map((_, i) => lengths.slice(0, i).reduce((sum, length) => sum + length, 0));
		const blocks = lengths.map((length) => {
			const count = take(1)[0];
			if (count !== Math.ceil(length / blockSize)) throw new VmFileError(entry.map, `a segment of ${length} bytes lists ${count} blocks`);
			return take(count);
		});
		// The first segment is the header and info block; each other one starts with a buffer.
		const { info, bufferStart } = stateLayout(assemble(blocks[0], lengths[0]));
		const segments = info.buffer_infos.map(({ offset, length }) => {
			const segment = starts.indexOf(bufferStart + offset);
			if (segment < 1 || length > lengths[segment]) throw new VmFileError(entry.map, `does not match the state's buffer at ${offset}`);
			return { blocks: blocks[segment], length };
		});
		const ids = memoryBufferIds(info.state);
		const ram = segments[ids.pages];
		if (ram.length % blockSize) throw new VmFileError(entry.map, 'has a guest RAM that is not whole pages');
		const ramPages = Uint32Array.from(ram.blocks, pageOf);
		const parts = (): StateParts => ({
			tree: info.state,
			buffers: segments.map((segment, id) => (id === ids.pages ? new ArrayBuffer(0) : assemble(segment.blocks, segment.length).buffer)),
			// Shared: the workers read the pages where they were inflated. Otherwise each node's are copied out for its worker.
			memory: shared ? { data: store, pages: ramPages } : { data: assemble(ram.blocks, ram.length).buffer },
		});
		return { name: nodeName, ip, parts };
	});
	if (at !== words.length) throw new VmFileError(entry.map, 'has bytes after its last node');
	return { name, savedAt: entry.savedAt, nodes };
}

/**
 * `VmFiles.loadState` over reads checked against the manifest; the index is read once (again after a failure).
 * `filler` gives each load its way of filling packs (the browser's inflates them in workers, both cores at once).
 */
export function savedStateLoader(read: ReadVmFile, filler: () => PackFiller = () => ({ fill: fillPackHere(read), close() {} })): (name: StartState) => Promise<LoadedState> {
	let index: Promise<StatesIndex> | undefined;
	return async (name) => {
		const reading = (index ??= read(statesIndexPath).then(parseStatesIndex));
		reading.catch(() => (index = undefined));
		const packs = filler();
		try {
			return await loadSavedState(read, await reading, name, packs.fill);
		} finally {
			packs.close();
		}
	};
}
