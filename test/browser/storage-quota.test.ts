// A browser with almost no room for this site (its quota cut down through the DevTools protocol): the machines still
// start, and the student is told, in French here, that they will be downloaded again and cannot open offline.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, type Browser } from './harness/chromium.ts';
import { ask, waitForNodeState } from './harness/machines.ts';
import { ensureMainSite, root } from './harness/site-build.ts';
import { serveStatic, type StaticServer } from './harness/static-server.ts';

let browser: Browser;
let site: StaticServer;
let page: Page;
let devtools: CDPSession;

beforeAll(async () => {
	site = await serveStatic(await ensureMainSite());
	browser = await launchChromium({ locale: 'fr-FR' });
	page = await browser.context.newPage();
	devtools = await browser.context.newCDPSession(page);
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

test('with no room left for a saved point, a passed checkpoint still counts and the student is told the point was not kept', { timeout: 600_000 }, async () => {
	const used = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
	// A snapshot of the three machines after this checkpoint is a few MB: 256 KB more than what is used now is not enough.
	await devtools.send('Storage.overrideQuotaForOrigin', { origin: new URL(site.url).origin, quotaSize: used + 256 * 1024 });
	await page.getByTestId('lab').and(page.locator('[data-preparation="ready"]')).waitFor({ timeout: 600_000 });
	await ask(page, 'manager', 'docker network create -d overlay my-overlay >/dev/null; echo made=$?', /made=(\d)/);
	const notice = page.getByTestId('saved-points-notice');
	await notice.waitFor({ timeout: 300_000 });
	expect(await notice.innerText()).toMatch(/plus de place pour enregistrer les machines/);
	expect(await page.getByTestId('checkpoint-overlay-created').getAttribute('data-status')).toBe('passed');
	expect(await page.locator('[data-testid="saved-point"]').count()).toBe(0);
	expect(await ask(page, 'manager', 'echo net=$(docker network ls -q -f name=my-overlay | wc -l)', /net=(\d)/)).toBe('1');
});
