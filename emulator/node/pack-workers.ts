// Saved-state packs filled by workers. On a page, one thread inflating a state's 217 MB kept one core busy for seconds
// while the other waited (Chromium's trace of a chapter opening); workers fill packs on every core at once. With
// shared memory they inflate straight into the page's block store, otherwise they hand their buffer over.
import { fillPackHere, type PackFiller } from './saved-states.ts';
import { readChecked, sourceReader, VmFileError, type DownloadRetry, type FileEntry } from './vm-files.ts';
import type { WorkerHandle } from './vm-protocol.ts';

export interface PackJob {
	id: number;
	baseUrl: string;
	file: string;
	entry: FileEntry;
	/** The Cache Storage cache where packs are kept once read (see packCache): read first, filled after a download. */
	cacheName?: string;
	/** Shared memory to inflate into; without it, `length` bytes come back in a transferred buffer. */
	target?: Uint8Array;
	length: number;
}

export type PackReply =
	| { type: 'bytes'; id: number; bytes: number }
	| { type: 'retrying'; id: number; retry: DownloadRetry }
	/** `keeping`: the pack was downloaded and is being stored; `kept` or `storage-full` follows. */
	| { type: 'filled'; id: number; data?: ArrayBuffer; keeping: boolean }
	/** The pack's storing ended (stored, or failed for a reason the student cannot act on). */
	| { type: 'kept'; id: number }
	/** The pack was read but the browser had no room to keep it: it will be downloaded again next time. */
	| { type: 'storage-full'; id: number }
	| { type: 'failed'; id: number; file: string; reason: string };

export type PackWorkerHandle = WorkerHandle<PackReply, PackJob>;

/**
 * Packs are named by their content: once read and checked, a pack is kept in Cache Storage and later visits read it
 * there, offline too. The worker keeps them itself rather than a service worker: on the first visit no service worker
 * controls the page yet, and a cached pack served through one took 1-5 s to arrive on a warm page.
 */
const packCache = {
	async read(cacheName: string, url: string): Promise<Uint8Array | undefined> {
		if (typeof caches === 'undefined') return undefined;
		const response = await caches.match(url, { cacheName }).catch(() => undefined);
		return response?.ok ? new Uint8Array(await response.arrayBuffer()) : undefined;
	},
	/** Storing may fail (storage full, private mode): the pack is then downloaded again next time. Resolves to
	 * whether it failed for lack of room, the one failure the student can do something about. */
	async keep(cacheName: string, url: string, data: Uint8Array): Promise<{ full: boolean }> {
		if (typeof caches === 'undefined') return { full: false };
		return caches
			.open(cacheName)
			.then((cache) => cache.put(url, new Response(data as BodyInit)))
			.then(
				() => ({ full: false }),
				(error: DOMException) => ({ full: error?.name === 'QuotaExceededError' }),
			);
	},
	async forget(cacheName: string, url: string): Promise<void> {
		await caches.open(cacheName).then((cache) => cache.delete(url));
	},
};

/** What a worker does with one job: read the pack from the cache or over HTTP (retried), check it against its manifest
 * entry, inflate it. A cached copy that fails the check is dropped from the cache and downloaded again. */
export async function runPackJob(job: PackJob, reply: (message: PackReply, transfer?: Transferable[]) => void) {
	// Bytes are told at most every 100 ms: a message per network chunk (a thousand for a state) kept the page busy
	// redrawing progress bars.
	let untold = 0;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const tell = () => {
		clearTimeout(timer);
		timer = undefined;
		if (untold) reply({ type: 'bytes', id: job.id, bytes: untold });
		untold = 0;
	};
	const received = (bytes: number) => {
		untold += bytes;
		timer ??= setTimeout(tell, 100);
	};
	const download = sourceReader({ kind: 'http', baseUrl: job.baseUrl }, { onBytes: (_path, bytes) => received(bytes), onRetry: (retry) => reply({ type: 'retrying', id: job.id, retry }) });
	const listed = { files: { [job.file]: job.entry } };
	let keeping = false;
	const readPack = async (path: string) => {
		const url = job.baseUrl + path;
		const cacheName = job.cacheName;
		if (!cacheName) return readChecked(download, listed, path);
		const cached = await packCache.read(cacheName, url);
		if (cached) {
			const checked = await readChecked(async () => cached, listed, path).catch(() => undefined);
			if (checked) {
				received(checked.byteLength);
				return checked;
			}
			await packCache.forget(cacheName, url);
		}
		const data = await readChecked(download, listed, path);
		// Stored beside the inflating, not before it; the page's `close` waits for it.
		keeping = true;
		void packCache.keep(cacheName, url, data).then(({ full }) => reply({ type: full ? 'storage-full' : 'kept', id: job.id }));
		return data;
	};
	try {
		const target = job.target ?? new Uint8Array(job.length);
		await fillPackHere(readPack)(job.file, target);
		tell();
		if (job.target) reply({ type: 'filled', id: job.id, keeping });
		else reply({ type: 'filled', id: job.id, data: target.buffer as ArrayBuffer, keeping }, [target.buffer as ArrayBuffer]);
	} catch (error) {
		tell();
		const reason = error instanceof VmFileError ? error.reason : (error as Error).message;
		reply({ type: 'failed', id: job.id, file: job.file, reason });
	}
}

/** How long `close` lets workers finish storing their packs (83 MB took seconds here, more on a loaded machine). */
const keepWaitMs = 120_000;

/** Jobs each worker may hold at once: downloads overlap with inflating, within a browser's six connections a host. */
const jobsPerWorker = 3;

/**
 * A filler for one load: `count` workers, spawned now and terminated by `close`. `files` are the manifest's entries;
 * `onBytes` sees every downloaded byte (a failed try's bytes are taken back, as `sourceReader` does).
 */
export function packWorkers(options: {
	spawn: () => PackWorkerHandle;
	count: number;
	baseUrl: string;
	/** See PackJob.cacheName. */
	cacheName?: string;
	files: Record<string, FileEntry>;
	onBytes: (bytes: number) => void;
	/** A pack's download failed and is tried again. */
	onRetry?: (retry: DownloadRetry) => void;
	/** A pack could not be kept in Cache Storage for lack of room (told after the pack itself, once per pack). */
	onStorageFull?: () => void;
}): PackFiller {
	interface Pending {
		job: PackJob;
		target: Uint8Array;
		resolve(): void;
		reject(error: Error): void;
	}
	const queue: Pending[] = [];
	/** `keeping`: packs this worker still stores (it is terminated only once they are kept, or lost for good with it). */
	const workers = Array.from({ length: options.count }, () => ({ handle: options.spawn(), running: new Map<number, Pending>(), failed: false, keeping: 0, closing: false }));
	const terminateIfDone = (worker: (typeof workers)[number]) => {
		if (worker.closing && (worker.keeping <= 0 || worker.failed)) worker.handle.terminate();
	};
	let nextId = 1;
	const dispatch = () => {
		for (const worker of workers) {
			while (!worker.failed && worker.running.size < jobsPerWorker && queue.length) {
				const pending = queue.shift()!;
				worker.running.set(pending.job.id, pending);
				worker.handle.post(pending.job);
			}
		}
	};
	for (const worker of workers) {
		worker.handle.onMessage((message) => {
			if (message.type === 'storage-full' || message.type === 'kept') {
				worker.keeping--;
				terminateIfDone(worker);
				if (message.type === 'storage-full') options.onStorageFull?.();
				return;
			}
			const pending = worker.running.get(message.id);
			if (!pending) return;
			if (message.type === 'bytes') return options.onBytes(message.bytes);
			if (message.type === 'retrying') return options.onRetry?.(message.retry);
			worker.running.delete(message.id);
			if (message.type === 'failed') pending.reject(new VmFileError(message.file, message.reason));
			else {
				if (message.keeping) worker.keeping++;
				if (message.data) pending.target.set(new Uint8Array(message.data));
				pending.resolve();
			}
			dispatch();
		});
		worker.handle.onError((error) => {
			worker.failed = true;
			const lost = [...worker.running.values(), ...(workers.every((other) => other.failed) ? queue.splice(0) : [])];
			for (const pending of lost) pending.reject(new VmFileError(pending.job.file, `its worker failed: ${error.message}`));
			worker.running.clear();
		});
	}
	return {
		fill: (file, target) =>
			new Promise<void>((resolve, reject) => {
				const entry = options.files[file];
				if (!entry) return reject(new VmFileError(file, 'not listed in manifest.json (rebuild with `npm run vm`)'));
				const shared = typeof SharedArrayBuffer === 'function' && target.buffer instanceof SharedArrayBuffer;
				const job: PackJob = { id: nextId++, baseUrl: options.baseUrl, cacheName: options.cacheName, file, entry, target: shared ? target : undefined, length: target.byteLength };
				queue.push({ job, target, resolve, reject });
				dispatch();
			}),
		// A worker killed while it stores a pack loses it (the next visit, or an offline one, would download it again).
		close: () => {
			for (const worker of workers) {
				worker.closing = true;
				terminateIfDone(worker);
			}
			// A store that never ends does not keep a worker and its copy of the pack forever.
			const timer = setTimeout(() => workers.forEach((worker) => worker.handle.terminate()), keepWaitMs);
			(timer as { unref?: () => void }).unref?.();
		},
	};
}
