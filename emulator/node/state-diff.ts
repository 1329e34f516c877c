// A running machine saved as what changed since the saved state it was restored from: the device tree and buffers
// whole (small), and only the guest RAM pages that differ from the same page of that state. The kernel, the
// daemons and the page cache stay as the start state had them, so a snapshot is a fraction of the machine.
import { laterPage, memoryBufferIds, stateLayout, type PageSource, type StateParts } from './state-parts.ts';

const magic = 0x534c5344; // "SLSD"
const version = 1;
const pageSize = 4096;

interface DiffHeader {
	tree: unknown;
	/** Every buffer's length; the packed RAM's slot is 0 (its pages follow the buffers). */
	buffers: number[];
	/** How many changed pages follow. */
	pages: number;
}

const align4 = (n: number) => (n + 3) & ~3;

/** For each guest page the base state holds, its place in the base's page data; -1 for a zero page. */
function basePlaces(base: StateParts, guestPages: number): Int32Array {
	const bitmap = new Uint8Array(base.buffers[memoryBufferIds(base.tree).bitmap]);
	const places = new Int32Array(guestPages).fill(-1);
	let saved = 0;
	for (let page = 0; page < guestPages; page++) {
		if (bitmap[page >>> 3] & (1 << (page & 7))) places[page] = base.memory.pages ? base.memory.pages[saved++] : saved++;
	}
	return places;
}

function samePage(a: Int32Array, aPage: number, b: Int32Array, bPage: number): boolean {
	const aFrom = aPage * (pageSize / 4);
	const bFrom = bPage * (pageSize / 4);
	for (let i = 0; i < pageSize / 4; i++) if (a[aFrom + i] !== b[bFrom + i]) return false;
	return true;
}

/**
 * A state file (as v86's `save_state` writes it) as its difference from `base`, the state the machine was restored
 * from: one buffer, to compress and keep. `base` must have the same guest RAM size.
 */
export function diffState(base: StateParts, file: Uint8Array): { diff: Uint8Array; changedPages: number } {
	const { info, bufferStart } = stateLayout(file);
	const ids = memoryBufferIds(info.state);
	const view = (id: number) => {
		const { offset, length } = info.buffer_infos[id];
		return file.subarray(bufferStart + offset, bufferStart + offset + length);
	};
	const bitmap = view(ids.bitmap);
	const ram = view(ids.pages);
	if ((file.byteOffset + bufferStart + info.buffer_infos[ids.pages].offset) % 4) throw new Error('the saved RAM is not 4-aligned');
	const guestPages = bitmap.length * 8;
	const places = basePlaces(base, guestPages);
	const now = new Int32Array(ram.buffer, ram.byteOffset, ram.byteLength >>> 2);
	const before = new Int32Array(base.memory.data);
	const changed: number[] = [];
	const savedIndex: number[] = [];
	let saved = 0;
	for (let page = 0; page < guestPages; page++) {
		if (!(bitmap[page >>> 3] & (1 << (page & 7)))) continue;
		const place = places[page];
		if (place < 0 || !samePage(now, saved, before, place)) {
			changed.push(page);
			savedIndex.push(saved);
		}
		saved++;
	}
	const lengths = info.buffer_infos.map(({ length }, id) => (id === ids.pages ? 0 : length));
	const header = new TextEncoder().encode(JSON.stringify({ tree: info.state, buffers: lengths, pages: changed.length } satisfies DiffHeader));
	const headerEnd = align4(12 + header.length);
	const buffersEnd = lengths.reduce((at, length) => at + align4(length), headerEnd);
	const pagesAt = align4(buffersEnd + changed.length * 4);
	const out = new Uint8Array(pagesAt + changed.length * pageSize);
	new Uint32Array(out.buffer, 0, 3).set([magic, version, header.length]);
	out.set(header, 12);
	let at = headerEnd;
	lengths.forEach((length, id) => {
		if (length) out.set(view(id), at);
		at += align4(length);
	});
	new Uint32Array(out.buffer, buffersEnd, changed.length).set(changed);
	savedIndex.forEach((index, i) => out.set(ram.subarray(index * pageSize, (index + 1) * pageSize), pagesAt + i * pageSize));
	return { diff: out, changedPages: changed.length };
}

/** The state a diff describes, over the base it was made against: the base's pages stay where they are. */
export function applyDiff(base: StateParts, data: Uint8Array): StateParts {
	// A plain view, 4-aligned: a Node.js Buffer's slice() would be a view of its whole pool, not a copy.
	const diff = data.byteOffset % 4 ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
	const words = new Uint32Array(diff.buffer, diff.byteOffset, 3);
	if (words[0] !== magic || words[1] !== version) throw new Error('not a saved machine of this version');
	const header = JSON.parse(new TextDecoder().decode(diff.subarray(12, 12 + words[2]))) as DiffHeader;
	let at = align4(12 + words[2]);
	const buffers = header.buffers.map((length) => {
		const buffer = diff.slice(at, at + length).buffer;
		at += align4(length);
		return buffer;
	});
	const changed = new Uint32Array(diff.slice(at, at + header.pages * 4).buffer);
	const pagesAt = align4(at + header.pages * 4);
	if (pagesAt + header.pages * pageSize !== diff.byteLength) throw new Error('a saved machine of the wrong length');
	const later = diff.slice(pagesAt).buffer;
	const ids = memoryBufferIds(header.tree);
	const bitmap = new Uint8Array(buffers[ids.bitmap]);
	const places = basePlaces(base, bitmap.length * 8);
	const pages: number[] = [];
	let next = 0;
	for (let page = 0; page < bitmap.length * 8; page++) {
		if (!(bitmap[page >>> 3] & (1 << (page & 7)))) continue;
		if (next < changed.length && changed[next] === page) pages.push(laterPage + next++);
		else if (places[page] >= 0) pages.push(places[page]);
		else throw new Error(`a saved machine misses guest page ${page}`);
	}
	if (next !== changed.length) throw new Error('a saved machine lists pages its bitmap does not');
	const memory: PageSource = { data: base.memory.data, pages: Uint32Array.from(pages), later };
	return { tree: header.tree, buffers, memory };
}
