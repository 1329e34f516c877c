// The built site in a real Chromium: catalogue, language switch, lab page layout, sandbox, report, and content that must stay inert.
import { mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadChapters } from '../../labs/engine/chapter-loader.server.ts';
import { languages, type Chapter } from '../../labs/engine/types.ts';
import { launchChromium, type Browser } from './harness/chromium.ts';
import { buildFixtureSite, ensureMainSite, root } from './harness/site-build.ts';
import { serveStatic, type StaticServer } from './harness/static-server.ts';

const results = resolve(root, 'test-results');
const chapters: Chapter[] = loadChapters(resolve(root, 'labs'));
const first = chapters[0];

let browser: Browser;
let site: StaticServer;

/** A page whose machine image downloads never finish: the lab renders as while downloading, without three VMs eating the CPU. */
async function openPage(options: { stallMachines?: boolean } = {}): Promise<Page> {
	const page = await browser.context.newPage();
	if (options.stallMachines ?? true) await page.route('**/vm/**', (route: Route) => (route.request().url().endsWith('/manifest.json') ? route.continue() : undefined));
	return page;
}

beforeAll(async () => {
	await mkdir(results, { recursive: true });
	site = await serveStatic(await ensureMainSite());
	browser = await launchChromium();
});

afterAll(async () => {
	await browser?.close();
	await site?.close();
});

describe('catalogue', () => {
	test.each(languages)('lists every chapter with its title and summary in %s', async (lang) => {
		const page = await openPage();
		await page.goto(`${site.url}${lang}/`);
		for (const chapter of chapters) {
			const card = page.getByTestId(`chapter-${chapter.slug}`);
			await expect.poll(() => card.textContent()).toContain(chapter.text[lang].title);
			expect(await card.textContent()).toContain(chapter.text[lang].summary);
		}
		expect(await page.locator('html').getAttribute('lang')).toBe(lang);
		await page.close();
	});

	test('the root page sends a French reader to /fr/ and links both languages', async () => {
		const html = await (await fetch(site.url)).text();
		expect(html).toContain('href="./fr/"');
		expect(html).toContain('href="./en/"');
		const page = await browser.context.newPage();
		await page.addInitScript(() => Object.defineProperty(navigator, 'languages', { get: () => ['fr-CA', 'en'] }));
		await page.goto(site.url);
		await page.waitForURL(`${site.url}fr/`);
		await page.close();
	});

	test('exports a progress report as JSON with timestamps', async () => {
		const page = await openPage();
		await page.goto(`${site.url}en/`);
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()]);
		const report = JSON.parse(await readFile((await download.path())!, 'utf8'));
		expect(report).toMatchObject({ app: 'SwarmLab', format: 1, language: 'en' });
		expect(Date.parse(report.exportedAt)).not.toBeNaN();
		expect(report.chapters.map((chapter: { id: string }) => chapter.id)).toEqual(chapters.map((chapter) => chapter.id));
		expect(report.chapters[0].checkpoints[0]).toMatchObject({ id: first.checkpoints[0].id, status: 'pending', attempts: 0 });
		await page.close();
	});

	test('imports an exported report: its passes come back in the next export; a file that is not a report changes nothing', async () => {
		const page = await openPage();
		await page.goto(`${site.url}fr/`);
		const at = '2026-01-01T10:00:00.000Z';
		const report = {
			app: 'SwarmLab',
			format: 1,
			exportedAt: at,
			language: 'en',
			chapters: [
				{
					id: first.id,
					openedAt: at,
					lastVisitAt: at,
					completedAt: null,
					checkpoints: [{ id: first.checkpoints[0].id, status: 'passed', attempts: 2, firstAttemptAt: at, lastAttemptAt: at, passedAt: at }],
				},
			],
		};
		const file = page.getByTestId('import-report-file');
		await file.setInputFiles({ name: 'not-a-report.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
		await expect.poll(() => page.getByTestId('import-report-result').getAttribute('data-ok')).toBe('false');
		await file.setInputFiles({ name: 'report.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(report)) });
		await expect.poll(() => page.getByTestId('import-report-result').innerText()).toContain('1');
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()]);
		const exported = JSON.parse(await readFile((await download.path())!, 'utf8'));
		expect(exported.chapters[0].checkpoints[0]).toMatchObject({ id: first.checkpoints[0].id, status: 'passed', attempts: 2, passedAt: at });
		// The pages after this one expect a browser with no progress.
		await page.evaluate(() => localStorage.clear());
		await page.close();
	});
});

describe('lab page', () => {
	test('shows the prose, run buttons, checkpoint cards and one terminal per node', async () => {
		const page = await openPage();
		await page.goto(`${site.url}en/labs/${first.slug}/`);
		await expect.poll(() => page.getByTestId('chapter-title').textContent()).toBe(first.text.en.title);
		expect(await page.getByTestId('prose').textContent()).toContain(first.text.en.checkpoints[first.checkpoints[0].id].title);
		expect(await page.getByTestId('run-0').getAttribute('data-node')).toBeTruthy();
		for (const checkpoint of first.checkpoints) {
			expect(await page.getByTestId(`checkpoint-${checkpoint.id}`).getAttribute('data-status')).toBe('pending');
		}
		for (const node of first.nodes) {
			await page.getByTestId(`terminal-${node.name}`).locator('.xterm').waitFor({ state: 'attached' });
			expect(await page.getByTestId(`status-${node.name}`).getAttribute('data-state')).toMatch(/downloading|restoring/);
		}
		// The first node's terminal is in front and sized to its panel.
		const box = await page.getByTestId(`terminal-${first.nodes[0].name}`).boundingBox();
		expect(box!.width).toBeGreaterThan(500);
		expect(box!.height).toBeGreaterThan(400);
		await page.screenshot({ path: resolve(results, 'lab-page-en.png') });
		await page.close();
	});

	test('switching language keeps the chapter and the page (client-side navigation)', async () => {
		const page = await openPage();
		await page.goto(`${site.url}en/labs/${first.slug}/`);
		await page.getByTestId('chapter-title').waitFor();
		await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same document'));
		await page.getByTestId('lang-fr').click();
		await page.waitForURL(`${site.url}fr/labs/${first.slug}/`);
		await expect.poll(() => page.getByTestId('chapter-title').textContent()).toBe(first.text.fr.title);
		expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same document');
		expect(await page.locator('html').getAttribute('lang')).toBe('fr');
		await page.screenshot({ path: resolve(results, 'lab-page-fr.png') });
		await page.close();
	});

	test('is cross-origin isolated, so the machines read the saved state where it was inflated', async () => {
		const page = await openPage();
		await page.goto(`${site.url}en/labs/${first.slug}/`);
		expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
		await page.close();
	});

	test('on a host that cannot send the isolation headers, the service worker isolates the page from its next load', async () => {
		const plain = await serveStatic(await ensureMainSite(), { isolation: false });
		const page = await openPage();
		try {
			await page.goto(`${plain.url}en/labs/${first.slug}/`);
			expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
			await page.evaluate(() => navigator.serviceWorker.ready);
			await page.reload();
			expect(await page.evaluate(() => !!navigator.serviceWorker.controller && crossOriginIsolated)).toBe(true);
		} finally {
			await page.close();
			await plain.close();
		}
	});

	test('the sandbox starts nothing until asked', async () => {
		const page = await openPage({ stallMachines: false });
		// This page's own requests: a page closed earlier may still be finishing its downloads on the server.
		const requested: string[] = [];
		page.on('request', (request) => requested.push(new URL(request.url()).pathname));
		await page.goto(`${site.url}fr/sandbox/`);
		await page.getByTestId('sandbox-start').waitFor();
		expect(await page.getByTestId('count-3').isChecked()).toBe(true);
		expect(requested.filter((path) => path.includes('/vm/'))).toEqual([]);
		await page.close();
	});
});

describe('fixture site (fixture chapters, no machine image)', () => {
	let fixture: StaticServer;

	beforeAll(async () => {
		fixture = await serveStatic(await buildFixtureSite());
	});

	afterAll(async () => {
		await fixture?.close();
	});

	test.each(languages)('HTML and scripts written in a lab stay text (%s)', async (lang) => {
		const page = await browser.context.newPage();
		const dialogs: string[] = [];
		page.on('dialog', (dialog) => {
			dialogs.push(dialog.message());
			void dialog.dismiss();
		});
		await page.goto(`${fixture.url}${lang}/labs/raw-html/`);
		const prose = page.getByTestId('prose');
		await expect.poll(() => prose.textContent()).toContain("<script>window.__labScript = 'block'</script>");
		await page.waitForTimeout(300);
		expect(await page.evaluate(() => (window as unknown as { __labScript?: string }).__labScript)).toBeUndefined();
		expect(await prose.locator('script, img, iframe, a[href^="javascript:"]').count()).toBe(0);
		expect(dialogs).toEqual([]);
		await page.close();
	});

	test.each([
		['en', 'Machine image not found'],
		['fr', 'Image des machines introuvable'],
	] as const)('a missing machine image is reported clearly (%s)', async (lang, words) => {
		const page = await browser.context.newPage();
		await page.goto(`${fixture.url}${lang}/labs/raw-html/`);
		const problem = page.getByTestId('machines-problem');
		await expect.poll(() => problem.textContent(), { timeout: 20_000 }).toContain(words);
		expect(await problem.textContent()).toContain('/vm/manifest.json');
		expect(await problem.getAttribute('data-code')).toBe('image-missing');
		await page.close();
	});
});

test('every page visited broke no rule of its Content-Security-Policy', () => {
	expect(browser.cspViolations).toEqual([]);
});
