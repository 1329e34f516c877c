// The files a node is made of (static/vm/), described by manifest.json, and how to read them from disk or over HTTP.
import type { VmSource } from './vm-protocol.ts';

export interface FileEntry {
	size: number;
	sha256: string;
}

export interface VmManifest {
	version: 2;
	buildKey: string;
	v86: string;
	memoryMB: number;
	cmdline: string;
	kernel: string;
	packages: { name: string; version: string }[];
	images: string[];
	/** `chunks`: each chunk's file in disk order, named by its content (identical chunks share one). */
	disk: { size: number; chunkSize: number; chunks: string[] };
	/** Every file under static/vm/ except the manifest, by path relative to it. */
	files: Record<string, FileEntry>;
}

export const vmFileNames = {
	bios: 'bios.bin',
	vgaBios: 'vgabios-stdvga.bin',
	kernel: 'vmlinuz',
	initrd: 'initrd.gz',
} as const;

/** Reads one file of the image by its path relative to static/vm/. */
/** `fresh`: past every cache, from the server itself (a kept copy failed its check). */
export interface ReadOptions {
	fresh?: boolean;
}
export type ReadVmFile = (path: string, options?: ReadOptions) => Promise<Uint8Array>;

export class VmFileError extends Error {
	constructor(
		readonly file: string,
		readonly reason: string,
	) {
		super(`VM file "${file}": ${reason}`);
		this.name = 'VmFileError';
	}
}

/** Read a file and check it against the manifest, so a truncated or stale file is named, never booted. */
export async function readChecked(read: ReadVmFile, manifest: Pick<VmManifest, 'files'>, path: string): Promise<Uint8Array> {
	const entry = manifest.files[path];
	if (!entry) throw new VmFileError(path, 'not listed in manifest.json (rebuild with `npm run vm`)');
	const data = await readExplained(read, path);
	if ((await mismatch(data, entry)) === undefined) return data;
	// A kept copy (Cache Storage, the HTTP cache) can be damaged while the server's is sound: ask once more, past them.
	const fresh = await readExplained(read, path, { fresh: true });
	const problem = await mismatch(fresh, entry);
	if (problem === undefined) return fresh;
	throw new VmFileError(path, problem);
}

async function readExplained(read: ReadVmFile, path: string, options?: ReadOptions): Promise<Uint8Array> {
	try {
		return await read(path, options);
	} catch (error) {
		throw new VmFileError(path, `cannot be read (${(error as Error).message}); rebuild with \`npm run vm\``);
	}
}

async function mismatch(data: Uint8Array, entry: FileEntry): Promise<string | undefined> {
	if (data.byteLength !== entry.size) {
		return `has ${data.byteLength} bytes, manifest.json says ${entry.size}: the file is corrupted or from another build`;
	}
	if ((await sha256Hex(data)) !== entry.sha256) return 'does not match its sha256 in manifest.json: the file is corrupted or from another build';
	return undefined;
}

async function sha256Hex(data: Uint8Array): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', data as BufferSource);
	return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function parseManifest(text: string): VmManifest {
	let manifest: VmManifest;
	try {
		manifest = JSON.parse(text);
	} catch (error) {
		throw new VmFileError('manifest.json', `is not valid JSON (${(error as Error).message})`);
	}
	if (manifest.version !== 2 || !manifest.files || !Array.isArray(manifest.disk?.chunks)) throw new VmFileError('manifest.json', 'has an unknown format (rebuild with `npm run vm`)');
	return manifest;
}

export async function loadManifest(read: ReadVmFile): Promise<VmManifest> {
	let bytes: Uint8Array;
	try {
		bytes = await read('manifest.json');
	} catch (error) {
		throw new VmFileError('manifest.json', `cannot be read (${(error as Error).message}); build the VM image with \`npm run vm\``);
	}
	return parseManifest(new TextDecoder().decode(bytes));
}

/** A download that failed and will be tried again after `waitMs`: the page says the network is lost meanwhile. */
export interface DownloadRetry {
	file: string;
	/** The attempt that failed, from 1. */
	attempt: number;
	attempts: number;
	reason: string;
	waitMs: number;
}

export interface DownloadWatch {
	/** Bytes of `path` as they arrive; a failed try's bytes are taken back (negative). */
	onBytes?: (path: string, bytes: number) => void;
	onRetry?: (retry: DownloadRetry) => void;
}

/** Every try of a download failed, for reasons that may pass (the network, a server error): asking again later may work. */
export class DownloadFailed extends Error {
	constructor(
		readonly file: string,
		readonly reasons: string[],
	) {
		super(`${reasons.length} attempts failed: ${reasons.join('; ')}`);
		this.name = 'DownloadFailed';
	}
}

/** Eight tries over about 20 s: a school network that drops one request in five loses nothing, a cable pulled for a
 * few seconds neither; a server that is really gone is reported with every reason. */
export const downloadAttempts = 8;
export const retryDelayMs = (attempt: number) => Math.min(500 * 2 ** (attempt - 1), 4000);

/** Reads image files from a folder or over HTTP, reporting bytes as they arrive so the page can draw real progress.
 * An HTTP read that fails is tried again, with growing waits, then fails with every reason. */
export function sourceReader(source: VmSource, { onBytes = () => {}, onRetry = () => {} }: DownloadWatch = {}): ReadVmFile {
	if (source.kind === 'fs') {
		return async (path) => {
			const fsName = 'node:fs/promises';
			const { readFile } = await import(/* @vite-ignore */ fsName);
			const data = new Uint8Array(await readFile(`${source.dir}/${path}`));
			onBytes(path, data.byteLength);
			return data;
		};
	}
	return (path, { fresh = false } = {}) =>
		withRetries(path, onRetry, async () => {
			let received = 0;
			try {
				return await fetchBytes(source.baseUrl + path, fresh, (bytes) => {
					received += bytes;
					onBytes(path, bytes);
				});
			} catch (error) {
				// A failed try's bytes are taken back: the next one counts them again.
				if (received) onBytes(path, -received);
				throw error;
			}
		});
}

/**
 * Runs one try of a download until one succeeds: a refusal that asking again cannot change (an `HttpError` that is
 * not transient: a 404) or an aborted download is thrown at once; any other failure is reported and tried again
 * after a growing wait, up to `downloadAttempts` tries, then `DownloadFailed` gives every reason.
 */
export async function withRetries<T>(file: string, onRetry: (retry: DownloadRetry) => void, tryOnce: () => Promise<T>): Promise<T> {
	const reasons: string[] = [];
	for (let attempt = 1; ; attempt++) {
		try {
			return await tryOnce();
		} catch (error) {
			// A refusal asking again cannot change, or a download its caller stopped (an aborted fetch).
			if ((error instanceof HttpError && !error.transient) || (error as Error)?.name === 'AbortError') throw error;
			const reason = (error as Error).message;
			reasons.push(reason);
			if (attempt === downloadAttempts) throw new DownloadFailed(file, reasons);
			const waitMs = retryDelayMs(attempt);
			onRetry({ file, attempt, attempts: downloadAttempts, reason, waitMs });
			await new Promise((resolve) => setTimeout(resolve, waitMs));
		}
	}
}

/** A server's answer that is not a success. */
export class HttpError extends Error {
	constructor(readonly status: number) {
		super(`HTTP ${status}`);
	}

	/** Server errors, timeouts and "too many requests" may pass on another try; other refusals will not. */
	get transient(): boolean {
		return this.status >= 500 || this.status === 408 || this.status === 429;
	}
}

async function fetchBytes(url: string, fresh: boolean, onBytes: (bytes: number) => void): Promise<Uint8Array> {
	// `reload` also tells the service worker to skip its kept copy and replace it (site/src/service-worker.ts).
	const response = await fetch(url, fresh ? { cache: 'reload' } : undefined);
	if (!response.ok || !response.body) throw new HttpError(response.status);
	const parts: Uint8Array[] = [];
	let total = 0;
	for (const reader = response.body.getReader(); ; ) {
		const { done, value } = await reader.read();
		if (done) break;
		parts.push(value);
		total += value.byteLength;
		onBytes(value.byteLength);
	}
	const data = new Uint8Array(total);
	let offset = 0;
	for (const part of parts) {
		data.set(part, offset);
		offset += part.byteLength;
	}
	return data;
}
