// A v86 state as its parts: the JSON tree of every device's state, the binary buffers it refers to by number, and the
// guest's RAM pages. A node restores from parts rather than from a state file: v86's own restore copies every buffer
// out of the file, clears the whole guest RAM, then copies the saved pages in one by one; here the pages go straight
// from where they were inflated (memory shared by every node's worker where the platform allows) into the guest.

/** Where the saved pages of guest RAM are: 4 KB pages of `data`, in the order of the RAM bitmap's set bits. */
export interface PageSource {
	data: ArrayBuffer | SharedArrayBuffer;
	/** The page of `data` that holds each saved page; without it, they follow one another from the start. */
	pages?: Uint32Array;
	/** Pages saved later than `data` (a snapshot's, state-diff.ts): an entry of `pages` with `laterPage` set. */
	later?: ArrayBuffer;
}

/** Marks an entry of `PageSource.pages` that names a page of `later`. */
export const laterPage = 0x80000000;

/** The parts of a v86 state file (format 6: header, JSON info block, 4-aligned buffer block). */
export interface StateParts {
	/** The `state` tree of the info block: arrays and `{ __state_type__, buffer_id | args }` leaves. */
	tree: unknown;
	/** Every buffer the tree refers to, but the packed RAM, whose place holds an empty buffer. */
	buffers: ArrayBuffer[];
	memory: PageSource;
}

interface InfoBlock {
	state: unknown;
	buffer_infos: { offset: number; length: number }[];
}

const stateMagic = -2039052682;
const stateVersion = 6;
/** v86 keeps the guest RAM, packed without its zero pages, at this index of the CPU's state, and at the next one
 * the bitmap of the pages it holds. */
const packedMemoryIndex = 77;
const memoryBitmapIndex = 78;

const bufferIdAt = (tree: unknown, index: number) => {
	const id = ((tree as unknown[])[index] as { buffer_id?: number } | undefined)?.buffer_id;
	if (id === undefined) throw new Error(`a saved state without the guest RAM's ${index === packedMemoryIndex ? 'pages' : 'bitmap'}`);
	return id;
};

/** The buffer numbers of the packed RAM and of its bitmap. */
export function memoryBufferIds(tree: unknown) {
	return { pages: bufferIdAt(tree, packedMemoryIndex), bitmap: bufferIdAt(tree, memoryBitmapIndex) };
}

/** What a worker can take over without a copy: every buffer, and the RAM pages unless they are shared. */
export function transferablesOf(parts: StateParts): ArrayBuffer[] {
	const { data, later } = parts.memory;
	return [...parts.buffers, ...[data, later].filter((buffer) => buffer instanceof ArrayBuffer)];
}

/** Reads a state file's header and info block: where the buffers start and where each one lies. */
export function stateLayout(file: Uint8Array): { info: InfoBlock; bufferStart: number } {
	const header = new Int32Array(file.buffer, file.byteOffset, 4);
	if (header[0] !== stateMagic || header[1] !== stateVersion) throw new Error(`not a v86 state of version ${stateVersion}`);
	const infoLength = header[3];
	const info = JSON.parse(new TextDecoder().decode(file.subarray(16, 16 + infoLength))) as InfoBlock;
	return { info, bufferStart: (16 + infoLength + 3) & ~3 };
}

/** Splits a state file (as `save_state` writes it) into parts; the buffers are copies. */
export function partsOfFile(file: Uint8Array): StateParts {
	const { info, bufferStart } = stateLayout(file);
	const buffers = info.buffer_infos.map(({ offset, length }) => file.slice(bufferStart + offset, bufferStart + offset + length).buffer);
	const { pages } = memoryBufferIds(info.state);
	const memory = { data: buffers[pages] };
	buffers[pages] = new ArrayBuffer(0);
	return { tree: info.state, buffers, memory };
}

const constructors: Record<string, new (arg: never) => unknown> = {
	Map,
	Uint8Array,
	Int8Array,
	Uint16Array,
	Int16Array,
	Uint32Array,
	Int32Array,
	Float32Array,
	Float64Array,
};

/** What v86's restore does with the info tree: each leaf becomes a typed array over its buffer, or a Map. */
function revive(node: unknown, buffers: ArrayBuffer[]): unknown {
	if (typeof node !== 'object' || node === null) return node;
	if (Array.isArray(node)) return node.map((item) => revive(item, buffers));
	const leaf = node as { __state_type__: string; buffer_id?: number; args?: unknown };
	const make = constructors[leaf.__state_type__];
	if (!make) throw new Error(`a saved state holds an unknown type "${leaf.__state_type__}"`);
	return leaf.args !== undefined ? new make(revive(leaf.args, buffers) as never) : new make(buffers[leaf.buffer_id!] as never);
}

/** The slice of v86's CPU this needs: its state setter, the wasm routine that clears guest RAM, and the RAM. */
export interface V86Cpu {
	set_state(state: unknown): void;
	zero_memory(start: number, length: number): void;
	/** A proxy that makes a new view at each access: read its buffer, offset and length once. */
	mem8: Uint8Array;
}

/** A new machine's RAM is zero but for the first megabyte, where v86 copies the BIOS images as it starts. */
const biosArea = 1 << 20;
const pageSize = 4096;

/**
 * Puts the machine in the saved state. v86 is given every buffer but the RAM pages (its bitmap says none), then the
 * saved pages are copied into the guest RAM directly. Devices may keep and later write into the arrays they are
 * given (the disk's written chunks do), so each restore gets copies: the parts can serve the next reset.
 * `newMachine`: nothing ran yet, so v86 need clear only the BIOS area, not touch every page of RAM.
 */
export function restoreParts(cpu: V86Cpu, parts: StateParts, newMachine: boolean) {
	const ids = memoryBufferIds(parts.tree);
	const bitmap = new Uint8Array(parts.buffers[ids.bitmap]);
	const buffers = parts.buffers.map((buffer, id) => (id === ids.bitmap ? new ArrayBuffer(buffer.byteLength) : buffer.slice(0)));
	const zeroMemory = cpu.zero_memory;
	if (newMachine) cpu.zero_memory = (start, length) => zeroMemory.call(cpu, start, Math.max(0, Math.min(length, biosArea - start)));
	try {
		cpu.set_state(revive(parts.tree, buffers));
	} finally {
		cpu.zero_memory = zeroMemory;
	}
	const ram = new Uint8Array(cpu.mem8.buffer, cpu.mem8.byteOffset, cpu.mem8.length);
	const first = new Uint8Array(parts.memory.data);
	const later = new Uint8Array(parts.memory.later ?? new ArrayBuffer(0));
	const pages = parts.memory.pages;
	let saved = 0;
	for (let page = 0; page < ram.length >>> 12; page++) {
		if (!(bitmap[page >>> 3] & (1 << (page & 7)))) continue;
		const entry = pages ? pages[saved] : saved;
		const source = entry >= laterPage ? later : first;
		const from = (entry >= laterPage ? entry - laterPage : entry) * pageSize;
		if (from + pageSize > source.length) throw new Error(`the saved RAM has no page ${saved}`);
		ram.set(source.subarray(from, from + pageSize), page * pageSize);
		saved++;
	}
}
