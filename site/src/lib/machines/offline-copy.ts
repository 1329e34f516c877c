// Once the machines run, the rest of their image is copied into Cache Storage in the background, one file at a time,
// so that a chapter opened once opens offline too: the service worker answers from that cache when the network is
// gone (site/src/service-worker.ts), and the saved states' packs are already there (emulator/node/pack-workers.ts).
// On a first visit no service worker controls the page yet, so the disk chunks the machines read are not stored by it.
import { HttpError, vmFileNames, withRetries, type VmManifest } from '$emulator/node/vm-files.ts';

/** `incomplete`: some files could not be fetched or kept even after retries; the next visit tries them again. */
export type OfflineCopyResult =
	| { state: 'complete'; files: number }
	| { state: 'incomplete'; missing: number }
	| { state: 'storage-full' }
	| { state: 'stopped' };

/** Files a restore reads: all but the kernel and initrd (a cold boot's only). The packs come last: their workers keep
 * them as they read them (emulator/node/pack-workers.ts), and by then have. */
export function filesForOffline(manifest: VmManifest): string[] {
	const bootOnly = new Set<string>([vmFileNames.kernel, vmFileNames.initrd]);
	const listed = Object.keys(manifest.files).filter((path) => !bootOnly.has(path));
	return ['manifest.json', ...listed.filter((path) => !path.endsWith('.pack')), ...listed.filter((path) => path.endsWith('.pack'))];
}

/** Kept files of the image that this build no longer lists (another build's packs and chunks): room to give back. */
export function staleFiles(keptUrls: readonly string[], vmUrl: string, manifest: VmManifest): string[] {
	const listed = new Set(['manifest.json', ...Object.keys(manifest.files)]);
	return keptUrls.filter((url) => url.startsWith(vmUrl) && !listed.has(url.slice(vmUrl.length)));
}

/**
 * Drops what another build left, then copies what is missing, in the manifest's order: a kept file whose size differs
 * from the manifest's is replaced, and the manifest always is. A download is retried as the machines' own are; one
 * that still fails leaves the copy `incomplete` (never `complete`: the page would promise an offline chapter that
 * stops at the first chunk it lacks), and a full storage stops it.
 */
export async function copyImageForOffline(vmUrl: string, manifest: VmManifest, cacheName: string, signal: AbortSignal): Promise<OfflineCopyResult> {
	const cache = await caches.open(cacheName);
	const kept = (await cache.keys()).map((request) => request.url);
	for (const url of staleFiles(kept, vmUrl, manifest)) await cache.delete(url);
	let files = 0;
	let missing = 0;
	for (const path of filesForOffline(manifest)) {
		if (signal.aborted) return { state: 'stopped' };
		const url = vmUrl + path;
		const size = manifest.files[path]?.size;
		const kept = size === undefined ? undefined : await cache.match(url);
		// A pack's worker stores it without a length header; its checksum is checked whenever it is read.
		if (kept && (path.endsWith('.pack') || Number(kept.headers.get('content-length')) === size)) {
			files++;
			continue;
		}
		const fetchOnce = async () => {
			const response = await fetch(url, { cache: 'no-store', signal, priority: 'low' } as RequestInit);
			if (!response.ok) throw new HttpError(response.status);
			// Read whole here: a body that breaks off fails this try, not the cache's write.
			return new Response(await response.arrayBuffer(), { headers: response.headers });
		};
		const response = await withRetries(path, () => {}, fetchOnce).catch(() => undefined);
		if (signal.aborted) return { state: 'stopped' };
		if (!response) {
			missing++;
			continue;
		}
		try {
			await cache.put(url, response);
			files++;
		} catch (error) {
			if ((error as DOMException).name === 'QuotaExceededError') return { state: 'storage-full' };
			if (signal.aborted) return { state: 'stopped' };
			missing++;
		}
	}
	return missing ? { state: 'incomplete', missing } : { state: 'complete', files };
}
