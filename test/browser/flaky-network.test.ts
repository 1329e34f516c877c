// A school network that loses one request for the machines' files in five: every failed download is tried again, the
// three nodes still reach their prompts, and chapter 1's first checkpoint passes.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, type Browser } from './harness/chromium.ts';
import { showAllTerminals, waitForTerminalText } from './harness/machines.ts';
import { ensureMainSite } from './harness/site-build.ts';
import { serveStatic, type StaticServer } from './harness/static-server.ts';

let browser: Browser;
let site: StaticServer;
let page: Page;

beforeAll(async () => {
	site = await serveStatic(await ensureMainSite(), { failEvery: 5 });
	browser = await launchChromium();
	page = await browser.context.newPage();
});

afterAll(async () => {
	await browser?.close();
	await site?.close();
});

test('one image request in five fails: the nodes reach their prompts and the swarm forms', { timeout: 1_200_000 }, async () => {
	await page.goto(`${site.url}en/labs/form-swarm/`);
	await showAllTerminals(page);
	for (const node of ['manager', 'worker1', 'worker2']) await waitForTerminalText(page, node, new RegExp(`root@${node}:~#`), 900_000);
	// Saved-state packs and disk chunks both met failures, and none of them stopped a machine. Chunks named by their
	// content are asked for once for all three nodes, so fewer than before come before the prompts: the rest of the
	// image, copied in the background for offline use, meets the failures that are still to come.
	expect(site.failed.some((path) => path.includes('/states/'))).toBe(true);
	await expect.poll(() => site.failed.some((path) => path.includes('/disk/')), { timeout: 300_000, interval: 1000 }).toBe(true);
	await page.locator('figure.command[data-node="manager"]').filter({ hasText: 'docker swarm init' }).first().locator('button.run').click();
	await expect.poll(() => page.getByTestId('checkpoint-swarm-initialized').getAttribute('data-status'), { timeout: 300_000, interval: 1000 }).toBe('passed');
	expect(await page.getByTestId('machines-problem').count()).toBe(0);
});
