// Which image files the offline copy keeps, and which kept ones another build left behind.
import { describe, expect, test } from 'vitest';
import { filesForOffline, staleFiles } from '$lib/machines/offline-copy.ts';
import type { VmManifest } from '$emulator/node/vm-files.ts';

const entry = { size: 1, sha256: '0'.repeat(64) };
const manifest = {
	files: { 'bios.bin': entry, vmlinuz: entry, 'initrd.gz': entry, 'disk/0.chunk': entry, 'states/index.json': entry, 'states/ab12.pack': entry },
} as unknown as VmManifest;
const vmUrl = 'http://127.0.0.1:4173/vm/';

describe('the offline copy', () => {
	test('copies what a restore reads: the manifest and every listed file but the packs (kept by their workers) and the boot files', () => {
		expect(filesForOffline(manifest)).toEqual(['manifest.json', 'bios.bin', 'disk/0.chunk', 'states/index.json']);
	});

	test('gives back what this build does not list, and nothing outside the image', () => {
		const kept = [`${vmUrl}manifest.json`, `${vmUrl}states/ab12.pack`, `${vmUrl}states/old9.pack`, `${vmUrl}disk/0.chunk`, `${vmUrl}disk/9999.chunk`, 'http://127.0.0.1:4173/en/'];
		expect(staleFiles(kept, vmUrl, manifest)).toEqual([`${vmUrl}states/old9.pack`, `${vmUrl}disk/9999.chunk`]);
	});
});
