// Which image files the offline copy keeps, which kept ones another build left behind, and that a copy which could not
// fetch a file never calls itself complete.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyImageForOffline, filesForOffline, staleFiles } from '$lib/machines/offline-copy.ts';
import type { VmManifest } from '$emulator/node/vm-files.ts';

const entry = { size: 1, sha256: '0'.repeat(64) };
const manifest = {
	files: { 'bios.bin': entry, vmlinuz: entry, 'initrd.gz': entry, 'disk/0.chunk': entry, 'states/index.json': entry, 'states/ab12.pack': entry },
} as unknown as VmManifest;
const vmUrl = 'http://127.0.0.1:4173/vm/';

describe('the offline copy', () => {
	test('copies what a restore reads: the manifest and every listed file but the boot files, the packs (kept by their workers as they read them) last', () => {
		expect(filesForOffline(manifest)).toEqual(['manifest.json', 'bios.bin', 'disk/0.chunk', 'states/index.json', 'states/ab12.pack']);
	});

	test('gives back what this build does not list, and nothing outside the image', () => {
		const kept = [`${vmUrl}manifest.json`, `${vmUrl}states/ab12.pack`, `${vmUrl}states/old9.pack`, `${vmUrl}disk/0.chunk`, `${vmUrl}disk/9999.chunk`, 'http://127.0.0.1:4173/en/'];
		expect(staleFiles(kept, vmUrl, manifest)).toEqual([`${vmUrl}states/old9.pack`, `${vmUrl}disk/9999.chunk`]);
	});
});

describe('copying the image', () => {
	let server: Server;
	let base: string;
	const asked: Record<string, number> = {};
	/** Cache Storage as the page has it, reduced to what the copy uses, over a Map. */
	const kept = new Map<string, Response>();
	const cacheStub = {
		keys: async () => [...kept.keys()].map((url) => new Request(url)),
		match: async (url: string) => kept.get(url)?.clone(),
		put: async (url: string, response: Response) => void kept.set(url, response),
		delete: async (url: string) => kept.delete(url),
	};

	beforeAll(async () => {
		server = createServer((req, res) => {
			const path = req.url ?? '';
			asked[path] = (asked[path] ?? 0) + 1;
			if (path === '/vm/disk/gone.chunk') return res.writeHead(404).end();
			if (path === '/vm/disk/flaky.chunk' && asked[path] <= 2) return res.writeHead(503).end();
			res.writeHead(200, { 'content-length': '1' }).end('x');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/vm/`;
		(globalThis as { caches?: unknown }).caches = { open: async () => cacheStub };
	});

	afterAll(async () => {
		delete (globalThis as { caches?: unknown }).caches;
		await new Promise<void>((resolve) => server.close(() => resolve()));
	});

	test('a file that fails twice is kept on its third try; one the server does not have leaves the copy incomplete', async () => {
		const image = { files: { 'disk/flaky.chunk': entry, 'disk/gone.chunk': entry, 'disk/fine.chunk': entry } } as unknown as VmManifest;
		const result = await copyImageForOffline(base, image, 'machines', new AbortController().signal);
		expect(result).toEqual({ state: 'incomplete', missing: 1 });
		expect(asked['/vm/disk/flaky.chunk']).toBe(3);
		expect([...kept.keys()].sort()).toEqual([`${base}disk/fine.chunk`, `${base}disk/flaky.chunk`, `${base}manifest.json`]);
	});

	test('once every file is kept, the copy is complete and asks the server only for the manifest', async () => {
		const image = { files: { 'disk/flaky.chunk': entry, 'disk/fine.chunk': entry } } as unknown as VmManifest;
		const before = { ...asked };
		expect(await copyImageForOffline(base, image, 'machines', new AbortController().signal)).toEqual({ state: 'complete', files: 3 });
		expect(asked['/vm/disk/flaky.chunk']).toBe(before['/vm/disk/flaky.chunk']);
		expect(asked['/vm/manifest.json']).toBe(before['/vm/manifest.json'] + 1);
	});
});
