// Shared by the tests that boot real guests: the built image, or a clear failure telling how to build it.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { defaultVmDir, localVmFiles } from '../../emulator/node/local-files.ts';

export function requireImage() {
	if (!existsSync(join(defaultVmDir, 'manifest.json'))) {
		throw new Error(`no VM image in ${defaultVmDir}: run \`npm run vm\` first`);
	}
	return localVmFiles();
}

/** A copy of static/vm made of links to its files (folders are real), so one file can be removed or damaged
 * without touching the real image. */
export function linkedImageCopy(): string {
	const dir = mkdtempSync(join(tmpdir(), 'swarmlab-vm-'));
	for (const entry of readdirSync(defaultVmDir, { recursive: true, withFileTypes: true })) {
		const from = join(entry.parentPath, entry.name);
		const to = join(dir, relative(defaultVmDir, from));
		if (entry.isDirectory()) mkdirSync(to, { recursive: true });
		else symlinkSync(from, to);
	}
	return dir;
}

export const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

export async function waitFor(check: () => boolean, timeoutMs: number, what: string) {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}
