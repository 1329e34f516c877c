// A chapter opened once opens again with the network gone: the service worker serves the app, the machines' image was
// copied to Cache Storage in the background, and every node runs a command that reads its disk.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, type Browser } from './harness/chromium.ts';
import { showAllTerminals, waitForNodeState, waitForTerminalText } from './harness/machines.ts';
import { ensureMainSite } from './harness/site-build.ts';
import { serveStatic, type StaticServer } from './harness/static-server.ts';

const nodes = ['manager', 'worker1', 'worker2'];
let browser: Browser;
let site: StaticServer;
let page: Page;

beforeAll(async () => {
	site = await serveStatic(await ensureMainSite());
	browser = await launchChromium();
	page = await browser.context.newPage();
});

afterAll(async () => {
	await browser?.close();
	await site?.close();
});

const ready = async () => {
	for (const node of nodes) await waitForNodeState(page, node, 'ready', 600_000);
};

test('visited once, then with the server gone and the browser offline, the chapter reloads and every node answers', { timeout: 1_500_000 }, async () => {
	await page.goto(`${site.url}en/labs/form-swarm/`);
	await showAllTerminals(page);
	await ready();
	await expect.poll(() => page.getByTestId('machine-panel').getAttribute('data-offline'), { timeout: 600_000, interval: 1000 }).toBe('complete');
	await expect(page.evaluate(() => navigator.serviceWorker.ready.then((registration) => registration.active?.state))).resolves.toBe('activated');

	await site.close();
	await browser.context.setOffline(true);
	const asked = site.requests.length;
	await page.reload();
	await showAllTerminals(page);
	await ready();
	for (const node of nodes) {
		await page.getByTestId(`terminal-${node}`).click();
		// Commands the saved state never ran: their files come from disk chunks read now, from the offline copy.
		await page.keyboard.type('echo tools=$(ls /usr/sbin /usr/bin | wc -l) $(iptables --version | cut -c1-8)');
		await page.keyboard.press('Enter');
		await waitForTerminalText(page, node, /tools=\d{3,} iptables/, 300_000);
	}
	expect(site.requests.length).toBe(asked);
	expect(await page.getByTestId('machines-problem').count()).toBe(0);
});
