// Saved-state packs filled by workers: the jobs the page's pack workers run (runPackJob) over real HTTP and gzip,
// dispatched by packWorkers. Each "worker" here runs runPackJob in this process and answers asynchronously, as a Web
// Worker would; the browser tests open chapters through the real Web Workers.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { packWorkers, runPackJob, type PackWorkerHandle } from '../../../emulator/node/pack-workers.ts';
import { blockSize } from '../../../emulator/node/saved-states.ts';
import { VmFileError, type FileEntry } from '../../../emulator/node/vm-files.ts';

/** Three 4 KB blocks, each filled with its own byte. */
const blocks = new Uint8Array(3 * blockSize).map((_, i) => 1 + Math.floor(i / blockSize));
const goodPack = gzipSync(blocks);
const entryOf = (data: Uint8Array): FileEntry => ({ size: data.byteLength, sha256: createHash('sha256').update(data).digest('hex') });
const files: Record<string, FileEntry> = {
	'states/good.pack': entryOf(goodPack),
	// Listed with the good pack's checksum, served with one byte changed: a corrupted download.
	'states/bad.pack': entryOf(goodPack),
};
const served: Record<string, Uint8Array> = {
	'/vm/states/good.pack': goodPack,
	'/vm/states/bad.pack': goodPack.map((byte, i) => (i === 20 ? byte ^ 0xff : byte)),
};

let server: Server;
let baseUrl: string;
/** Every path the server was asked for. */
const requests: string[] = [];

beforeAll(async () => {
	server = createServer((req, res) => {
		requests.push(req.url ?? '');
		const body = served[req.url ?? ''];
		res.statusCode = body ? 200 : 404;
		res.end(body);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/vm/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface InProcessWorker extends PackWorkerHandle {
	jobs: number;
	terminated: boolean;
	crash(): void;
}

/** A worker in this process: runs each job with runPackJob; `crash` plays a worker that dies. */
function inProcessWorker(): InProcessWorker {
	let onMessage: Parameters<PackWorkerHandle['onMessage']>[0] = () => {};
	let onError: (error: Error) => void = () => {};
	const worker: InProcessWorker = {
		jobs: 0,
		terminated: false,
		post: (job) => {
			worker.jobs++;
			void runPackJob(job, (message) => setTimeout(() => !worker.terminated && onMessage(message)));
		},
		onMessage: (handler) => (onMessage = handler),
		onError: (handler) => (onError = handler),
		terminate: () => (worker.terminated = true),
		crash: () => {
			worker.terminated = true;
			onError(new Error('out of memory'));
		},
	};
	return worker;
}

function filler(count: number, cacheName?: string) {
	const workers: InProcessWorker[] = [];
	let bytes = 0;
	const packs = packWorkers({
		spawn: () => {
			const worker = inProcessWorker();
			workers.push(worker);
			return worker;
		},
		count,
		baseUrl,
		cacheName,
		files,
		onBytes: (n) => (bytes += n),
	});
	return { packs, workers, bytes: () => bytes };
}

describe('packWorkers', () => {
	test('inflates a pack straight into shared memory, counting the bytes downloaded', async () => {
		const { packs, bytes } = filler(2);
		const target = new Uint8Array(new SharedArrayBuffer(blocks.byteLength));
		await packs.fill('states/good.pack', target);
		packs.close();
		expect(target).toEqual(new Uint8Array(blocks));
		expect(bytes()).toBe(goodPack.byteLength);
	});

	test('without shared memory, the worker hands its buffer over and the page copies it in place', async () => {
		const { packs } = filler(1);
		const store = new Uint8Array(blocks.byteLength + blockSize);
		await packs.fill('states/good.pack', store.subarray(blockSize));
		packs.close();
		expect(store.subarray(0, blockSize).every((byte) => byte === 0)).toBe(true);
		expect(store.subarray(blockSize)).toEqual(new Uint8Array(blocks));
	});

	test('a corrupted pack fails with its name and the reason, never fills', async () => {
		const { packs } = filler(1);
		const target = new Uint8Array(blocks.byteLength);
		const error = await packs.fill('states/bad.pack', target).catch((e: unknown) => e);
		packs.close();
		expect(error).toBeInstanceOf(VmFileError);
		expect((error as VmFileError).file).toBe('states/bad.pack');
		expect((error as VmFileError).reason).toMatch(/sha256/);
		expect(target.every((byte) => byte === 0)).toBe(true);
	});

	test('a pack the manifest does not list is refused before any download', async () => {
		const { packs, workers } = filler(1);
		await expect(packs.fill('states/other.pack', new Uint8Array(blockSize))).rejects.toThrow(/not listed in manifest.json/);
		packs.close();
		expect(workers[0].jobs).toBe(0);
	});

	test('jobs spread over the workers; a worker that dies fails its own jobs by name, the others carry on', async () => {
		const { packs, workers } = filler(2);
		const fills = Array.from({ length: 6 }, () => packs.fill('states/good.pack', new Uint8Array(blocks.byteLength)).then(() => 'filled', (error: Error) => error.message));
		expect(workers.map((worker) => worker.jobs)).toEqual([3, 3]);
		workers[0].crash();
		const outcomes = await Promise.all(fills);
		expect(outcomes.filter((outcome) => outcome === 'filled')).toHaveLength(3);
		expect(outcomes.filter((outcome) => outcome !== 'filled')).toEqual(Array(3).fill('VM file "states/good.pack": its worker failed: out of memory'));
		// Later jobs go to the worker still alive.
		await packs.fill('states/good.pack', new Uint8Array(blocks.byteLength));
		expect(workers.map((worker) => worker.jobs)).toEqual([3, 4]);
		packs.close();
		expect(workers.every((worker) => worker.terminated)).toBe(true);
	});
});

/** Cache Storage as a worker sees it, one cache, in memory: what is stored, and what each call did. */
function memoryCacheStorage(cacheName: string) {
	const stored = new Map<string, Uint8Array>();
	const cache = {
		put: async (url: string, response: Response) => void stored.set(url, new Uint8Array(await response.arrayBuffer())),
		delete: async (url: string) => stored.delete(url),
		match: async (url: string) => (stored.has(url) ? new Response(stored.get(url) as BodyInit) : undefined),
	};
	const caches = {
		open: async (name: string) => (name === cacheName ? cache : Promise.reject(new Error(`no cache ${name}`))),
		match: async (url: string, options?: { cacheName?: string }) => (options?.cacheName === cacheName ? cache.match(url) : undefined),
	};
	return { stored, caches };
}

describe('packs kept in Cache Storage', () => {
	beforeEach(() => {
		requests.length = 0;
	});
	afterEach(() => vi.unstubAllGlobals());

	test('a downloaded pack is kept; the next load reads it there without asking the server, and counts its bytes', async () => {
		const storage = memoryCacheStorage('machines');
		vi.stubGlobal('caches', storage.caches);
		const first = filler(1, 'machines');
		await first.packs.fill('states/good.pack', new Uint8Array(blocks.byteLength));
		first.packs.close();
		expect(requests).toEqual(['/vm/states/good.pack']);
		expect([...storage.stored.keys()]).toEqual([`${baseUrl}states/good.pack`]);

		const second = filler(1, 'machines');
		const target = new Uint8Array(new SharedArrayBuffer(blocks.byteLength));
		await second.packs.fill('states/good.pack', target);
		second.packs.close();
		expect(requests).toHaveLength(1);
		expect(target).toEqual(new Uint8Array(blocks));
		expect(second.bytes()).toBe(goodPack.byteLength);
	});

	test('a cached copy that fails its checksum is dropped and downloaded again, then kept in its place', async () => {
		const storage = memoryCacheStorage('machines');
		vi.stubGlobal('caches', storage.caches);
		const url = `${baseUrl}states/good.pack`;
		storage.stored.set(url, served['/vm/states/bad.pack']);
		const { packs } = filler(1, 'machines');
		const target = new Uint8Array(blocks.byteLength);
		await packs.fill('states/good.pack', target);
		packs.close();
		expect(target).toEqual(new Uint8Array(blocks));
		expect(requests).toEqual(['/vm/states/good.pack']);
		expect(storage.stored.get(url)).toEqual(new Uint8Array(goodPack));
	});

	test('closed as soon as its packs are filled, a worker still storing one is terminated only once it is kept', async () => {
		const storage = memoryCacheStorage('machines');
		let finishStoring = () => {};
		const stored = new Promise<void>((resolve) => (finishStoring = resolve));
		vi.stubGlobal('caches', {
			...storage.caches,
			open: async () => ({ ...(await storage.caches.open('machines')), put: async (url: string, response: Response) => {
				await stored;
				storage.stored.set(url, new Uint8Array(await response.arrayBuffer()));
			} }),
		});
		const { packs, workers } = filler(1, 'machines');
		await packs.fill('states/good.pack', new Uint8Array(blocks.byteLength));
		packs.close();
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(workers[0].terminated).toBe(false);
		finishStoring();
		await expect.poll(() => workers[0].terminated).toBe(true);
		expect([...storage.stored.keys()]).toEqual([`${baseUrl}states/good.pack`]);
	});

	test('a pack that cannot be stored (storage full) still fills, and is downloaded again next time', async () => {
		const storage = memoryCacheStorage('machines');
		vi.stubGlobal('caches', { ...storage.caches, open: async () => ({ ...(await storage.caches.open('machines')), put: () => Promise.reject(new Error('QuotaExceededError')) }) });
		for (let load = 0; load < 2; load++) {
			const { packs } = filler(1, 'machines');
			const target = new Uint8Array(blocks.byteLength);
			await packs.fill('states/good.pack', target);
			packs.close();
			expect(target).toEqual(new Uint8Array(blocks));
		}
		expect(requests).toHaveLength(2);
	});
});
