// Image files over HTTP: a failed download is tried again with growing waits and each retry is reported; a file the
// server does not have fails at once.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { downloadAttempts, readChecked, retryDelayMs, sourceReader, VmFileError, type DownloadRetry } from '../../../emulator/node/vm-files.ts';

let server: Server;
let baseUrl: string;
const asked: Record<string, number> = {};
/** How many times each path fails with 503 before it is served. */
const failures: Record<string, number> = { '/vm/flaky.bin': 2 };

beforeAll(async () => {
	server = createServer((req, res) => {
		const path = req.url ?? '';
		asked[path] = (asked[path] ?? 0) + 1;
		if (path === '/vm/missing.bin') return res.writeHead(404).end();
		if (asked[path] <= (failures[path] ?? 0)) return res.writeHead(503).end();
		// A damaged copy, as a cache on the way could keep it; asked past the caches, the sound one (or, for
		// always-bad.bin, the damage is the server's own).
		const fresh = req.headers['cache-control'] === 'no-cache';
		if (path === '/vm/always-bad.bin' || (path === '/vm/damaged.bin' && !fresh)) return res.end(Buffer.from('fous'));
		res.end(Buffer.from('four'));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/vm/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('sourceReader over HTTP', () => {
	test('a file that fails twice arrives on the third try; each retry is reported with the reason and the wait', async () => {
		const retries: DownloadRetry[] = [];
		let bytes = 0;
		const read = sourceReader({ kind: 'http', baseUrl }, { onBytes: (_path, n) => (bytes += n), onRetry: (retry) => retries.push(retry) });
		expect(new TextDecoder().decode(await read('flaky.bin'))).toBe('four');
		expect(asked['/vm/flaky.bin']).toBe(3);
		expect(retries).toEqual([
			{ file: 'flaky.bin', attempt: 1, attempts: downloadAttempts, reason: 'HTTP 503', waitMs: 500 },
			{ file: 'flaky.bin', attempt: 2, attempts: downloadAttempts, reason: 'HTTP 503', waitMs: 1000 },
		]);
		expect(bytes).toBe(4);
	});

	test('a file the server does not have fails at once, without retries', async () => {
		const retries: DownloadRetry[] = [];
		const read = sourceReader({ kind: 'http', baseUrl }, { onRetry: (retry) => retries.push(retry) });
		await expect(read('missing.bin')).rejects.toThrow('HTTP 404');
		expect(asked['/vm/missing.bin']).toBe(1);
		expect(retries).toEqual([]);
	});

	test('the waits grow and stop growing at 4 s, about 20 s in all before a download is given up', () => {
		const waits = Array.from({ length: downloadAttempts - 1 }, (_, i) => retryDelayMs(i + 1));
		expect(waits).toEqual([500, 1000, 2000, 4000, 4000, 4000, 4000]);
	});
});

describe('readChecked', () => {
	const manifest = {
		files: Object.fromEntries(['damaged.bin', 'always-bad.bin'].map((name) => [name, { size: 4, sha256: createHash('sha256').update('four').digest('hex') }])),
	};

	test('a copy that fails its sha256 is asked for once more past every cache, and the sound one is used', async () => {
		const read = sourceReader({ kind: 'http', baseUrl });
		expect(new TextDecoder().decode(await readChecked(read, manifest, 'damaged.bin'))).toBe('four');
		expect(asked['/vm/damaged.bin']).toBe(2);
	});

	test('a file the server itself serves damaged fails with its name and the reason', async () => {
		const read = sourceReader({ kind: 'http', baseUrl });
		const error = await readChecked(read, manifest, 'always-bad.bin').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(VmFileError);
		expect((error as VmFileError).file).toBe('always-bad.bin');
		expect((error as Error).message).toMatch(/sha256/);
		expect(asked['/vm/always-bad.bin']).toBe(2);
	});
});
