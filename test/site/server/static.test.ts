// The site's own static server: files named by their content may be kept by a browser for good, the others not.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { siteServer } from '../../../site/server/static.ts';

let dir: string;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'swarmlab-static-'));
	await mkdir(join(dir, 'vm/disk'), { recursive: true });
	await mkdir(join(dir, 'vm/states'), { recursive: true });
	for (const file of ['vm/manifest.json', 'vm/bios.bin', 'vm/disk/0123456789abcdef.chunk', 'vm/states/fedcba9876543210.pack', 'vm/states/index.json', 'index.html'])
		await writeFile(join(dir, file), 'x');
	const server = siteServer(dir);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
	close = () => new Promise((resolve) => server.close(() => resolve()));
});

afterAll(async () => {
	await close?.();
	await rm(dir, { recursive: true, force: true });
});

const cacheControl = async (path: string) => {
	const response = await fetch(base + path);
	expect(response.status).toBe(200);
	return response.headers.get('cache-control') ?? '';
};

test('disk chunks and saved-state packs are served as immutable', async () => {
	expect(await cacheControl('vm/disk/0123456789abcdef.chunk')).toMatch(/immutable/);
	expect(await cacheControl('vm/states/fedcba9876543210.pack')).toMatch(/immutable/);
});

test('files with fixed names (manifest, BIOS, states index, pages) are not', async () => {
	for (const path of ['vm/manifest.json', 'vm/bios.bin', 'vm/states/index.json', 'index.html']) expect(await cacheControl(path)).not.toMatch(/immutable/);
});
