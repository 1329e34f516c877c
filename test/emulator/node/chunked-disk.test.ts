// The guest's disk: chunks read on demand, written blocks kept, and a chunk whose download failed read again later.
import { describe, expect, test } from 'vitest';
import { gzipSync } from 'node:zlib';
import { ChunkedDisk, chunkReader } from '../../../emulator/node/chunked-disk.ts';
import { DownloadFailed } from '../../../emulator/node/vm-files.ts';

const chunkSize = 8;
const chunkData = (index: number) => new Uint8Array(chunkSize).fill(index + 1);

function disk(readChunk: (index: number) => Promise<Uint8Array>) {
	const errors: string[] = [];
	const chunked = new ChunkedDisk({ size: 4 * chunkSize, chunkSize, readChunk, onError: (error) => errors.push(error.message) });
	const get = (offset: number, length: number) =>
		new Promise<Uint8Array | undefined>((resolve) => {
			const before = errors.length;
			chunked.get(offset, length, resolve);
			// A failed read calls onError instead of `done`: give it time to.
			setTimeout(() => errors.length > before && resolve(undefined), 20);
		});
	return { chunked, errors, get };
}

describe('ChunkedDisk', () => {
	test('a read across two chunks joins them; each chunk is downloaded once', async () => {
		const asked: number[] = [];
		const { get } = disk(async (index) => (asked.push(index), chunkData(index)));
		expect(await get(6, 4)).toEqual(new Uint8Array([1, 1, 2, 2]));
		expect(await get(4, 4)).toEqual(new Uint8Array([1, 1, 1, 1]));
		expect(asked).toEqual([0, 1]);
	});

	test('a chunk whose download failed is downloaded again by the next read, not failed forever', async () => {
		let failures = 1;
		const asked: number[] = [];
		const { get, errors } = disk(async (index) => {
			asked.push(index);
			if (failures-- > 0) throw new Error('HTTP 503');
			return chunkData(index);
		});
		expect(await get(0, 4)).toBeUndefined();
		expect(errors).toEqual(['HTTP 503']);
		expect(await get(0, 4)).toEqual(new Uint8Array([1, 1, 1, 1]));
		expect(asked).toEqual([0, 0]);
	});

	test('written bytes are read back and saved with the state; the rest still comes from the chunks', async () => {
		const { chunked, get } = disk(async (index) => chunkData(index));
		await new Promise<void>((resolve) => chunked.set(10, new Uint8Array([9, 9]), resolve));
		expect(await get(8, 4)).toEqual(new Uint8Array([2, 2, 9, 9]));
		const restored = disk(async (index) => chunkData(index));
		restored.chunked.set_state(chunked.get_state() as [[number, Uint8Array][]]);
		expect(await restored.get(8, 4)).toEqual(new Uint8Array([2, 2, 9, 9]));
		expect(await restored.get(0, 2)).toEqual(new Uint8Array([1, 1]));
	});
});

describe('ChunkedDisk across a restore', () => {
	test('a write or a read still waiting for its chunk when the machine is restored changes nothing and answers no one', async () => {
		let release: () => void = () => {};
		const slow = new Promise<void>((resolve) => (release = resolve));
		const chunked = new ChunkedDisk({ size: 4 * chunkSize, chunkSize, readChunk: async (index) => (await slow, chunkData(index)) });
		const answered: string[] = [];
		chunked.set(2, new Uint8Array([9, 9]), () => answered.push('write'));
		chunked.get(8, 2, () => answered.push('read'));
		chunked.set_state([[]]);
		release();
		await new Promise((resolve) => setTimeout(resolve, 10));
		expect(answered).toEqual([]);
		expect(chunked.get_state()).toEqual([[]]);
		// The restored machine's own requests are served as usual.
		const read = await new Promise<Uint8Array>((resolve) => chunked.get(2, 2, resolve));
		expect(read).toEqual(new Uint8Array([1, 1]));
	});
});

describe('chunkReader', () => {
	test('keeps reading a chunk while its downloads fail for network reasons: the guest waits, it does not fail', async () => {
		const asked: string[] = [];
		const read = chunkReader(async (path) => {
			asked.push(path);
			if (asked.length <= 3) throw new DownloadFailed(path, ['HTTP 503', 'Failed to fetch']);
			return new Uint8Array(gzipSync(chunkData(2)));
		}, ['disk/aa.chunk', 'disk/bb.chunk', 'disk/cc.chunk']);
		expect(new Uint8Array(await read(2))).toEqual(chunkData(2));
		expect(asked).toEqual(['disk/cc.chunk', 'disk/cc.chunk', 'disk/cc.chunk', 'disk/cc.chunk']);
	});

	test('a chunk that fails its check, or that the server does not have, fails the read at once', async () => {
		let asked = 0;
		const read = chunkReader(async () => {
			asked++;
			throw new Error('sha256 does not match manifest.json');
		}, ['disk/aa.chunk']);
		await expect(read(0)).rejects.toThrow('sha256 does not match');
		expect(asked).toBe(1);
	});
});
