/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// Offline: the app is cached when installed; machine files are cached as they are fetched. The disk's chunks are named
// by their content, so a kept one is served without asking the network; the few files with fixed names (manifest,
// BIOS, kernel) go to the network first, so a rebuilt image is never mixed with an old one while online. The saved
// states' packs, also named by their content, are kept in the same cache by the workers that read them
// (emulator/node/pack-workers.ts), and pass through here.
// The page also copies the whole image into that cache once its machines run, and drops what another build left
// there (site/src/lib/machines/offline-copy.ts): a chapter opened once then opens offline.
// The app's responses (pages, scripts, workers) get the cross-origin isolation headers, so a page opened on a host that
// cannot send them still shares memory with its machines' workers from its second visit on.
import { build, files, prerendered, version } from '$service-worker';
import { isolationHeaders } from '../server/isolation.ts';
import { machineCacheName as machineCache } from './lib/machines/machine-cache.ts';

const sw = self as unknown as ServiceWorkerGlobalScope;
const appCache = `app-${version}`;
const appFiles = [...build, ...prerendered, ...files.filter((file) => !file.includes('/vm/'))];

sw.addEventListener('install', (event) => {
	event.waitUntil(caches.open(appCache).then((cache) => cache.addAll(appFiles)));
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		caches.keys().then((keys) => Promise.all(keys.filter((key) => key !== appCache && key !== machineCache).map((key) => caches.delete(key)))),
	);
});

/** The response as soon as it arrives; its copy is stored meanwhile (`keep`), and storage that fails (full, private
 * mode) only means it is downloaded again next time. Offline, the stored copy. */
async function networkFirst(request: Request, cacheName: string, keep: (storing: Promise<void>) => void): Promise<Response> {
	const cache = await caches.open(cacheName);
	try {
		const response = await fetch(request);
		if (response.ok) keep(cache.put(request, response.clone()).catch(() => {}));
		return response;
	} catch (error) {
		const cached = await cache.match(request);
		if (cached) return cached;
		throw error;
	}
}

/** A file named by its content never changes: the kept copy, else the network's (kept for next time). A page that
 * found the kept copy damaged asks with `cache: 'reload'`: the network's then replaces it. */
async function cacheFirst(request: Request, cacheName: string, keep: (storing: Promise<void>) => void): Promise<Response> {
	const kept = request.cache === 'reload' ? undefined : await caches.match(request, { cacheName });
	return kept ?? networkFirst(request, cacheName, keep);
}

/** Documents and workers need the headers; the machine files (hundreds of MB) are not wrapped and go through untouched. */
function isolated(response: Response): Response {
	if (response.type === 'opaque' || response.headers.has('Cross-Origin-Embedder-Policy')) return response;
	const headers = new Headers(response.headers);
	for (const [name, value] of Object.entries(isolationHeaders)) headers.set(name, value);
	return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

sw.addEventListener('fetch', (event) => {
	const url = new URL(event.request.url);
	if (event.request.method !== 'GET' || url.origin !== sw.location.origin) return;
	if (url.pathname.endsWith('.pack')) return;
	const keep = (storing: Promise<void>) => event.waitUntil(storing);
	if (url.pathname.includes('/vm/disk/')) return event.respondWith(cacheFirst(event.request, machineCache, keep));
	if (url.pathname.includes('/vm/')) return event.respondWith(networkFirst(event.request, machineCache, keep));
	event.respondWith(caches.match(event.request).then((cached) => cached ?? networkFirst(event.request, appCache, keep)).then(isolated));
});
