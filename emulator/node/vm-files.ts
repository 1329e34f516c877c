// The files a node is made of (static/vm/), described by manifest.json, and how to read them from disk or over HTTP.

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
	state: 'state.bin.zst',
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
export async function readChecked(read: ReadVmFile, manifest: VmManifest, path: string): Promise<Uint8Array> {
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
