// Image files over HTTP: a failed download is tried again with growing waits and each retry is reported; a file the
// server does not have fails at once.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { downloadAttempts, retryDelayMs, sourceReader, type DownloadRetry } from '../../../emulator/node/vm-files.ts';

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
