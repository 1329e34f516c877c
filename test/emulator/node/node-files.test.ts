import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { maxFileBytes, NodeFileError, readNodeFile, writeNodeFile, type FileHost } from '../../../emulator/node/node-files.ts';

// The commands run in this machine's bash, as the guest's agent runs them in the node's: quoting and base64 for real.
const localBash: FileHost = {
	exec: (command) =>
		new Promise((resolve) => {
			const started = performance.now();
			execFile('bash', ['-c', command], { maxBuffer: 4 * maxFileBytes }, (error, stdout, stderr) =>
				resolve({ exit: error ? Number(error.code ?? 1) : 0, stdout, stderr, ms: performance.now() - started }),
			);
		}),
};

let home: string;
beforeAll(async () => {
	home = await mkdtemp(join(tmpdir(), 'swarmlab-files-'));
});
afterAll(() => rm(home, { recursive: true, force: true }));

describe('files on a node', () => {
	const tricky = `version: "3.8"\nservices:\n  web:\n    command: sh -c 'echo "it'\\''s $HOME" && printf %s\\\\n ok'\n    # é, ü, 日本, tabs\there\n`;

	test('what is written is read back byte for byte, quotes, backslashes and UTF-8 included', async () => {
		expect(await writeNodeFile(localBash, 'stack.yml', tricky, home)).toBe(new TextEncoder().encode(tricky).length);
		expect(await readFile(join(home, 'stack.yml'), 'utf8')).toBe(tricky);
		expect(await readNodeFile(localBash, 'stack.yml', home)).toBe(tricky);
	});

	test('a path with spaces and quotes, in a directory that does not exist yet', async () => {
		const path = `it's a dir/my "file".sh`;
		await writeNodeFile(localBash, path, '#!/bin/sh\necho hi\n', home);
		expect(await readFile(join(home, path), 'utf8')).toBe('#!/bin/sh\necho hi\n');
	});

	test('a file that does not exist reads as undefined; a directory, a bad path or a file too large are refused', async () => {
		expect(await readNodeFile(localBash, 'nothing-here.yml', home)).toBeUndefined();
		await expect(readNodeFile(localBash, `it's a dir`, home)).rejects.toMatchObject({ code: 'not-a-file' });
		await expect(readNodeFile(localBash, '  ', home)).rejects.toBeInstanceOf(NodeFileError);
		await expect(writeNodeFile(localBash, 'dir/', 'x', home)).rejects.toMatchObject({ code: 'path' });
		await expect(writeNodeFile(localBash, 'big', 'x'.repeat(maxFileBytes + 1), home)).rejects.toMatchObject({ code: 'too-large' });
		await writeFile(join(home, 'huge'), Buffer.alloc(maxFileBytes + 1));
		await expect(readNodeFile(localBash, 'huge', home)).rejects.toMatchObject({ code: 'too-large' });
	});
});
