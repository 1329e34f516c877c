// A read-mostly disk for v86 made of gzip chunks fetched on demand; writes stay in memory and in saved states.
import { gunzip } from './inflate.ts';
import { DownloadFailed, type ReadVmFile } from './vm-files.ts';

export interface ChunkedDiskOptions {
	size: number;
	chunkSize: number;
	readChunk: (index: number) => Promise<Uint8Array>;
	/** Decompressed chunks kept in memory, beyond which the least recently used are dropped. */
	cacheChunks?: number;
	onError?: (error: Error) => void;
}

/**
 * A chunk is read until it arrives: the guest's I/O waits meanwhile, as on a slow disk, while every failed try is
 * reported (the page says the network is lost). Only a chunk the server does not have, or one that fails its check,
 * fails the read.
 */
export function chunkReader(read: ReadVmFile, chunkFiles: readonly string[]) {
	return async (index: number) => {
		for (;;) {
			try {
				return gunzip(await read(chunkFiles[index]));
			} catch (error) {
				if (!(error instanceof DownloadFailed)) throw error;
			}
		}
	};
}

/** Implements the object shape v86 accepts for a disk (`get`, `set`, `load`, `get_state`, `set_state`). */
export class ChunkedDisk {
	readonly byteLength: number;
	onload?: (event: object) => void;
	onprogress?: (event: object) => void;
	private readonly cache = new Map<number, Uint8Array>();
	private readonly pending = new Map<number, Promise<Uint8Array>>();
	private readonly written = new Map<number, Uint8Array>();
	/** Bumped by each restore: a read or write still waiting for a chunk then belongs to a machine that is gone. */
	private generation = 0;

	constructor(private readonly options: ChunkedDiskOptions) {
		this.byteLength = options.size;
	}

	load() {
		this.onload?.(Object.create(null));
	}

	private chunk(index: number): Promise<Uint8Array> {
		const dirty = this.written.get(index);
		if (dirty) return Promise.resolve(dirty);
		const cached = this.cache.get(index);
		if (cached) {
			this.cache.delete(index); // re-insert: Map order is the LRU order
			this.cache.set(index, cached);
			return Promise.resolve(cached);
		}
		let promise = this.pending.get(index);
		if (!promise) {
			promise = this.options.readChunk(index).then((data) => {
				if (data.byteLength !== this.options.chunkSize) throw new Error(`disk chunk ${index} has ${data.byteLength} bytes`);
				this.pending.delete(index);
				this.cache.set(index, data);
				const limit = this.options.cacheChunks ?? 256;
				for (const oldest of this.cache.keys()) {
					if (this.cache.size <= limit) break;
					this.cache.delete(oldest);
				}
				return data;
			});
			// A failed read is forgotten, not kept: the next read of that chunk (the guest retrying, the node reset)
			// downloads it again.
			promise.catch(() => this.pending.delete(index));
			this.pending.set(index, promise);
		}
		return promise;
	}

	private assemble(offset: number, length: number, first: number, chunks: Uint8Array[]): Uint8Array {
		const { chunkSize } = this.options;
		if (chunks.length === 1) return chunks[0].subarray(offset - first * chunkSize, offset - first * chunkSize + length);
		const out = new Uint8Array(length);
		chunks.forEach((chunk, i) => {
			const chunkStart = (first + i) * chunkSize;
			const from = Math.max(offset, chunkStart);
			const to = Math.min(offset + length, chunkStart + chunkSize);
			out.set(chunk.subarray(from - chunkStart, to - chunkStart), from - offset);
		});
		return out;
	}

	private indices(offset: number, length: number): number[] {
		const { chunkSize } = this.options;
		const first = Math.floor(offset / chunkSize);
		const last = Math.floor((offset + length - 1) / chunkSize);
		return Array.from({ length: last - first + 1 }, (_, i) => first + i);
	}

	/** Synchronous read when every chunk is in memory already (v86 then skips its async path). */
	get_from_cache(offset: number, length: number): Uint8Array | undefined {
		const indices = this.indices(offset, length);
		const chunks = indices.map((index) => this.written.get(index) ?? this.cache.get(index));
		if (chunks.some((chunk) => !chunk)) return undefined;
		return this.assemble(offset, length, indices[0], chunks as Uint8Array[]).slice();
	}

	get(offset: number, length: number, done: (data: Uint8Array) => void) {
		const indices = this.indices(offset, length);
		const generation = this.generation;
		Promise.all(indices.map((index) => this.chunk(index))).then(
			// Data for a request made before a restore would land in the restored guest's memory: dropped.
			(chunks) => generation === this.generation && done(this.assemble(offset, length, indices[0], chunks).slice()),
			(error: Error) => generation === this.generation && this.options.onError?.(error),
		);
	}

	get_and_cache(offset: number, length: number, done: (data: Uint8Array) => void) {
		this.get(offset, length, done);
	}

	set(offset: number, data: Uint8Array, done: () => void) {
		const { chunkSize } = this.options;
		const indices = this.indices(offset, data.length);
		const first = indices[0];
		const generation = this.generation;
		Promise.all(indices.map((index) => this.chunk(index))).then((chunks) => {
			// A write made before a restore must not change the restored disk: its filesystem would no longer match the
			// restored memory (a node reset during a download ended with programs crashing, exit 139).
			if (generation !== this.generation) return;
			chunks.forEach((chunk, i) => {
				const index = first + i;
				const copy = this.written.get(index) ?? chunk.slice();
				const chunkStart = index * chunkSize;
				const from = Math.max(offset, chunkStart);
				const to = Math.min(offset + data.length, chunkStart + chunkSize);
				copy.set(data.subarray(from - offset, to - offset), from - chunkStart);
				this.written.set(index, copy);
			});
			done();
		}, (error: Error) => generation === this.generation && this.options.onError?.(error));
	}

	get_buffer(done: (buffer?: ArrayBuffer) => void) {
		done();
	}

	get_state() {
		return [[...this.written.entries()]];
	}

	set_state(state: [[number, Uint8Array][]]) {
		this.generation++;
		this.written.clear();
		for (const [index, data] of state[0]) this.written.set(index, data);
	}
}
