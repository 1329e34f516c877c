// The files a node is made of (static/vm/), described by manifest.json, and how to read them from disk or over HTTP.
import type { VmSource } from './vm-protocol.ts';

export interface FileEntry {
	size: number;
	sha256: string;
}

export interface VmManifest {
	version: 1;
	buildKey: string;
	v86: string;
	memoryMB: number;
	cmdline: string;
	kernel: string;
	packages: { name: string; version: string }[];
	images: string[];
	disk: { size: number; chunkSize: number; chunks: number };
	/** Every file under static/vm/ except the manifest, by path relative to it. */
	files: Record<string, FileEntry>;
}

export const vmFileNames = {
	bios: 'bios.bin',
	vgaBios: 'vgabios-stdvga.bin',
	kernel: 'vmlinuz',
	initrd: 'initrd.gz',
	// gzip data under a neutral name: static servers label `*.gz` Content-Encoding: gzip and browsers would inflate it.
	diskChunk: (index: number) => `disk/${index}.chunk`,
} as const;

/** Reads one file of the image by its path relative to static/vm/. */
export type ReadVmFile = (path: string) => Promise<Uint8Array>;

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
	let data: Uint8Array;
	try {
		data = await read(path);
	} catch (error) {
		throw new VmFileError(path, `cannot be read (${(error as Error).message}); rebuild with \`npm run vm\``);
	}
	if (data.byteLength !== entry.size) {
		throw new VmFileError(path, `has ${data.byteLength} bytes, manifest.json says ${entry.size}: the file is corrupted or from another build`);
	}
	if ((await sha256Hex(data)) !== entry.sha256) {
		throw new VmFileError(path, 'does not match its sha256 in manifest.json: the file is corrupted or from another build');
	}
	return data;
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
	if (manifest.version !== 1 || !manifest.files || !manifest.disk) throw new VmFileError('manifest.json', 'has an unknown format');
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

const downloadAttempts = 3;

/** Reads image files from a folder or over HTTP, reporting bytes as they arrive so the page can draw real progress.
 * An HTTP read that fails is tried again (its bytes taken back from the progress), then fails with every reason. */
export function sourceReader(source: VmSource, onBytes: (path: string, bytes: number) => void = () => {}): ReadVmFile {
	if (source.kind === 'fs') {
		return async (path) => {
			const fsName = 'node:fs/promises';
			const { readFile } = await import(/* @vite-ignore */ fsName);
			const data = new Uint8Array(await readFile(`${source.dir}/${path}`));
			onBytes(path, data.byteLength);
			return data;
		};
	}
	return async (path) => {
		const reasons: string[] = [];
		for (let attempt = 1; ; attempt++) {
			let received = 0;
			try {
				return await fetchBytes(source.baseUrl + path, (bytes) => {
					received += bytes;
					onBytes(path, bytes);
				});
			} catch (error) {
				onBytes(path, -received);
				reasons.push((error as Error).message);
				if (attempt === downloadAttempts) throw new Error(`${downloadAttempts} attempts failed: ${reasons.join('; ')}`);
				await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
			}
		}
	};
}

async function fetchBytes(url: string, onBytes: (bytes: number) => void): Promise<Uint8Array> {
	const response = await fetch(url);
	if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
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
