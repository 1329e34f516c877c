// A disk chunk kept in Cache Storage can be damaged (a disk error, a browser crash while writing) while the server's copy
// is sound: the page then asks past the cache once, the service worker replaces its copy, and the nodes start as usual.
import { expect, test } from 'vitest';
import { machineCacheName } from '../../site/src/lib/machines/machine-cache.ts';
import { readUnreadFilesOnEveryNode, useSitePage, waitForChapterNodes } from './harness/site-page.ts';

const opened = useSitePage();

/** Every kept disk chunk's size in Cache Storage, by URL. */
const keptChunkSizes = () =>
	opened.page.evaluate(async (cacheName) => {
		const cache = await caches.open(cacheName);
		const sizes: Record<string, number> = {};
		for (const request of await cache.keys()) {
			if (request.url.includes('/vm/disk/')) sizes[request.url] = (await (await cache.match(request))!.arrayBuffer()).byteLength;
		}
		return sizes;
	}, machineCacheName);

test('every kept disk chunk damaged: the reload fetches the ones it reads again, replaces them, and the nodes answer', { timeout: 1_500_000 }, async () => {
	const { site, page } = opened;
	await page.goto(`${site.url}en/labs/form-swarm/`);
	await waitForChapterNodes(page);
	await expect.poll(() => page.getByTestId('machine-panel').getAttribute('data-offline'), { timeout: 600_000, interval: 1000 }).toBe('complete');
	const sound = await keptChunkSizes();
	expect(Object.keys(sound).length).toBeGreaterThan(100);

	const damaged = await page.evaluate(async (cacheName) => {
		const cache = await caches.open(cacheName);
		const urls = (await cache.keys()).map((request) => request.url).filter((url) => url.includes('/vm/disk/'));
		await Promise.all(urls.map((url) => cache.put(url, new Response('not a gzip chunk'))));
		return urls.length;
	}, machineCacheName);
	expect(damaged).toBe(Object.keys(sound).length);

	const askedBefore = site.requests.length;
	await page.reload();
	await waitForChapterNodes(page);
	// Files the saved state never read: their chunks come through the damaged cache now.
	await readUnreadFilesOnEveryNode(page);
	expect(await page.getByTestId('machines-problem').count()).toBe(0);

	// The chunks read were asked from the server again, and their kept copies are whole once more.
	const fetchedAgain = site.requests.slice(askedBefore).filter((path) => path.includes('/vm/disk/'));
	expect(fetchedAgain.length).toBeGreaterThan(0);
	const kept = await keptChunkSizes();
	for (const path of new Set(fetchedAgain)) {
		const url = new URL(path, site.url).href;
		expect(kept[url], url).toBe(sound[url]);
	}
});
