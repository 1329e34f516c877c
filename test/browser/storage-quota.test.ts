// A browser with almost no room for this site (its quota cut down through the DevTools protocol): the machines still
// start, and the student is told, in French here, that they will be downloaded again and cannot open offline.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, type Browser } from './harness/chromium.ts';
import { waitForNodeState } from './harness/machines.ts';
import { ensureMainSite, root } from './harness/site-build.ts';
import { serveStatic, type StaticServer } from './harness/static-server.ts';

let browser: Browser;
let site: StaticServer;
let page: Page;

beforeAll(async () => {
	site = await serveStatic(await ensureMainSite());
	browser = await launchChromium({ locale: 'fr-FR' });
	page = await browser.context.newPage();
	const devtools = await browser.context.newCDPSession(page);
	// Room for the app, not for one saved state of the machines (83 MB in all).
	await devtools.send('Storage.overrideQuotaForOrigin', { origin: new URL(site.url).origin, quotaSize: 12 * 1024 * 1024 });
});

afterAll(async () => {
	await browser?.close();
	await site?.close();
});

test('with the storage full, the machines start and the student is told what that costs', { timeout: 900_000 }, async () => {
	await page.goto(`${site.url}fr/labs/overlay-service/`);
	const notice = page.getByTestId('storage-full');
	await notice.waitFor({ timeout: 300_000 });
	expect(await notice.innerText()).toMatch(/plus de place.*hors ligne/s);
	for (const node of ['manager', 'worker1', 'worker2']) await waitForNodeState(page, node, 'ready', 600_000);
	expect(await page.getByTestId('machines-problem').count()).toBe(0);
	await mkdir(resolve(root, 'test-results'), { recursive: true });
	await page.screenshot({ path: resolve(root, 'test-results/storage-full-fr.png') });
});
