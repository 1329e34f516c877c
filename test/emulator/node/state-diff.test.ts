// A machine saved as what changed since its start state, then put back over that start state: the guest RAM comes
// back byte for byte (pages that changed, appeared or became zero), with the device buffers of the later state.
import { describe, expect, test } from 'vitest';
import { applyDiff, diffState } from '../../../emulator/node/state-diff.ts';
import { partsOfFile, restoreParts, type StateParts, type V86Cpu } from '../../../emulator/node/state-parts.ts';

const pageSize = 4096;
const guestPages = 16;

/** A v86 state file (format 6) whose CPU tree keeps the packed RAM at 77 and its bitmap at 78, plus one device buffer. */
function stateFile(ram: Uint8Array, device: Uint8Array): Uint8Array {
	const bitmap = new Uint8Array(guestPages / 8);
	const packed: Uint8Array[] = [];
	for (let page = 0; page < guestPages; page++) {
		const bytes = ram.subarray(page * pageSize, (page + 1) * pageSize);
		if (bytes.some((b) => b !== 0)) {
			bitmap[page >>> 3] |= 1 << (page & 7);
			packed.push(bytes);
		}
	}
	const buffers = [device, Uint8Array.from(packed.flatMap((page) => [...page])), bitmap];
	const tree: unknown[] = Array.from({ length: 79 }, (_, i) => i);
	tree[3] = { __state_type__: 'Uint8Array', buffer_id: 0 };
	tree[77] = { __state_type__: 'Uint8Array', buffer_id: 1 };
	tree[78] = { __state_type__: 'Uint8Array', buffer_id: 2 };
	let offset = 0;
	const buffer_infos = buffers.map((buffer) => {
		const info = { offset, length: buffer.length };
		offset = (offset + buffer.length + 3) & ~3;
		return info;
	});
	const info = new TextEncoder().encode(JSON.stringify({ state: tree, buffer_infos }));
	const bufferStart = (16 + info.length + 3) & ~3;
	const file = new Uint8Array(bufferStart + offset);
	new Int32Array(file.buffer, 0, 4).set([-2039052682, 6, 0, info.length]);
	file.set(info, 16);
	buffers.forEach((buffer, i) => file.set(buffer, bufferStart + buffer_infos[i].offset));
	return file;
}

function ramWith(fill: Record<number, number>): Uint8Array {
	const ram = new Uint8Array(guestPages * pageSize);
	for (const [page, value] of Object.entries(fill)) ram.fill(value, Number(page) * pageSize, (Number(page) + 1) * pageSize);
	return ram;
}

/** What a machine's RAM and device buffer are once `parts` is restored into it. */
function restored(parts: StateParts) {
	const ram = new Uint8Array(guestPages * pageSize).fill(0xee);
	let device: Uint8Array | undefined;
	const cpu: V86Cpu = {
		// v86 clears the whole RAM as it takes a state, then the saved pages are written.
		set_state: (state) => {
			device = (state as Uint8Array[])[3];
			cpu.zero_memory(0, ram.length);
		},
		zero_memory: (start, length) => ram.fill(0, start, start + length),
		mem8: ram,
	};
	restoreParts(cpu, parts, false);
	return { ram, device: [...device!] };
}

/** The start state as the block store hands it over: its pages somewhere in a bigger store, listed by `pages`. */
function asStored(parts: StateParts): StateParts {
	const own = new Uint8Array(parts.memory.data);
	const count = own.length / pageSize;
	const store = new Uint8Array((count + 3) * pageSize);
	const pages = Uint32Array.from({ length: count }, (_, i) => count + 2 - i);
	pages.forEach((at, i) => store.set(own.subarray(i * pageSize, (i + 1) * pageSize), at * pageSize));
	return { ...parts, memory: { data: store.buffer, pages } };
}

describe('a machine saved as its difference from the start state', () => {
	const start = ramWith({ 0: 1, 2: 2, 3: 3, 9: 9 });
	const base = asStored(partsOfFile(stateFile(start, Uint8Array.of(1, 2, 3))));
	// Page 2 changed, page 3 became zero, pages 5 and 15 appeared; 0 and 9 are as they were.
	const later = ramWith({ 0: 1, 2: 7, 5: 5, 9: 9, 15: 15 });
	const { diff, changedPages } = diffState(base, stateFile(later, Uint8Array.of(4, 5, 6, 7, 8)));

	test('keeps only the pages that differ from the same page of the start state', () => {
		expect(changedPages).toBe(3);
		expect(diff.length).toBeLessThan(4 * pageSize);
	});

	test('restored over the start state, the RAM and the device buffers are the later ones', () => {
		const back = restored(applyDiff(base, diff));
		expect(Buffer.from(back.ram).equals(Buffer.from(later))).toBe(true);
		expect(back.device).toEqual([4, 5, 6, 7, 8]);
	});

	test('a copy that is not 4-aligned (as read back from storage) restores the same', () => {
		const unaligned = new Uint8Array(diff.length + 1).subarray(1);
		unaligned.set(diff);
		expect(Buffer.from(restored(applyDiff(base, unaligned)).ram).equals(Buffer.from(later))).toBe(true);
	});

	test('a damaged or truncated snapshot is refused, not restored half', () => {
		expect(() => applyDiff(base, diff.subarray(0, diff.length - 1))).toThrow(/wrong length/);
		const other = diff.slice();
		other[0] ^= 0xff;
		expect(() => applyDiff(base, other)).toThrow(/not a saved machine/);
	});

	test('over a start state without a page it does not carry, it says so', () => {
		const unrelated = asStored(partsOfFile(stateFile(ramWith({ 1: 1 }), Uint8Array.of(1))));
		expect(() => applyDiff(unrelated, diff)).toThrow(/misses guest page 0/);
	});
});
