// Build caches outside the repo, keyed by a hash of their inputs.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const cacheRoot = process.env.SWARMLAB_CACHE ?? join(homedir(), '.cache', 'swarmlab');

export function cacheDir(...parts: string[]): string {
	const dir = join(cacheRoot, ...parts);
	mkdirSync(dir, { recursive: true });
	return dir;
}

/** Short stable key for any mix of strings, buffers and files' contents. */
export function keyOf(...inputs: (string | Uint8Array | { file: string })[]): string {
	const hash = createHash('sha256');
	for (const input of inputs) {
		if (typeof input === 'object' && 'file' in input) hash.update(readFileSync(input.file));
		else hash.update(input);
		hash.update('\0');
	}
	return hash.digest('hex').slice(0, 16);
}

export function sha256File(path: string): string {
	return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export const isDone = (dir: string) => existsSync(join(dir, '.done'));
