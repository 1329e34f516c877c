// A chapter opened once opens again with the network gone: the service worker serves the app, the machines' image was
// copied to Cache Storage in the background, and every node runs a command that reads its disk.
import { expect, test } from 'vitest';
import { readUnreadFilesOnEveryNode, useSitePage, waitForChapterNodes } from './harness/site-page.ts';

const opened = useSitePage();

test('visited once, then with the server gone and the browser offline, the chapter reloads and every node answers', { timeout: 1_500_000 }, async () => {
	const { site, browser, page } = opened;
	await page.goto(`${site.url}en/labs/form-swarm/`);
	await waitForChapterNodes(page);
	await expect.poll(() => page.getByTestId('machine-panel').getAttribute('data-offline'), { timeout: 600_000, interval: 1000 }).toBe('complete');
	await expect(page.evaluate(() => navigator.serviceWorker.ready.then((registration) => registration.active?.state))).resolves.toBe('activated');

	await site.close();
	await browser.context.setOffline(true);
	const asked = site.requests.length;
	await page.reload();
	await waitForChapterNodes(page);
	await readUnreadFilesOnEveryNode(page);
	expect(site.requests.length).toBe(asked);
	expect(await page.getByTestId('machines-problem').count()).toBe(0);
});
