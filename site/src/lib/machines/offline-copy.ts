// Once the machines run, the rest of their image is copied into Cache Storage in the background, one file at a time,
// so that a chapter opened once opens offline too: the service worker answers from that cache when the network is
// gone (site/src/service-worker.ts), and the saved states' packs are already there (emulator/node/pack-workers.ts).
// On a first visit no service worker controls the page yet, so the disk chunks the machines read are not stored by it.
import { vmFileNames, type VmManifest } from '$emulator/node/vm-files.ts';

export type OfflineCopyResult = { state: 'complete'; files: number } | { state: 'storage-full' } | { state: 'stopped' };

/** Files a restore reads: all but the packs (their workers keep them) and the kernel and initrd (a cold boot's only). */
export function filesForOffline(manifest: VmManifest): string[] {
	const bootOnly = new Set<string>([vmFileNames.kernel, vmFileNames.initrd]);
	return ['manifest.json', ...Object.keys(manifest.files).filter((path) => !path.endsWith('.pack') && !bootOnly.has(path))];
}

/** Kept files of the image that this build no longer lists (another build's packs and chunks): room to give back. */
export function staleFiles(keptUrls: readonly string[], vmUrl: string, manifest: VmManifest): string[] {
	const listed = new Set(['manifest.json', ...Object.keys(manifest.files)]);
	return keptUrls.filter((url) => url.startsWith(vmUrl) && !listed.has(url.slice(vmUrl.length)));
}

/**
 * Drops what another build left, then copies what is missing, in the manifest's order: a kept file whose size differs
 * from the manifest's is replaced, and the manifest always is. A failed download is skipped (the next visit tries
 * again); a full storage stops the copy.
 */
export async function copyImageForOffline(vmUrl: string, manifest: VmManifest, cacheName: string, signal: AbortSignal): Promise<OfflineCopyResult> {
	const cache = await caches.open(cacheName);
	const kept = (await cache.keys()).map((request) => request.url);
	for (const url of staleFiles(kept, vmUrl, manifest)) await cache.delete(url);
	let files = 0;
	for (const path of filesForOffline(manifest)) {
		if (signal.aborted) return { state: 'stopped' };
		const url = vmUrl + path;
		const size = manifest.files[path]?.size;
		const kept = size === undefined ? undefined : await cache.match(url);
		if (kept && Number(kept.headers.get('content-length')) === size) {
			files++;
			continue;
		}
		const response = await fetch(url, { cache: 'no-store', signal, priority: 'low' } as RequestInit).catch(() => undefined);
		if (!response?.ok) continue;
		try {
			await cache.put(url, response);
			files++;
		} catch (error) {
			if ((error as DOMException).name === 'QuotaExceededError') return { state: 'storage-full' };
			if (signal.aborted) return { state: 'stopped' };
		}
	}
	return { state: 'complete', files };
}
