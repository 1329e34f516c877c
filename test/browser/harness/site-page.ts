// The built site served over HTTP and one Chromium page on it, for the tests of one file; closed after them.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, type TestContext } from 'vitest';
import { launchChromium, type Browser } from './chromium.ts';
import { showAllTerminals, waitForNodeState, waitForTerminalText } from './machines.ts';
import { ensureMainSite } from './site-build.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

export const chapterNodes = ['manager', 'worker1', 'worker2'];

export function useSitePage(): { readonly site: StaticServer; readonly browser: Browser; readonly page: Page } {
	const opened = {} as { site: StaticServer; browser: Browser; page: Page };
	const consoleLines: string[] = [];
	beforeAll(async () => {
		opened.site = await serveStatic(await ensureMainSite());
		opened.browser = await launchChromium();
		opened.page = await opened.browser.context.newPage();
		// The page's console (its developer hints), timed from its opening: printed after a failed test, and as it
		// comes with SWARMLAB_DEBUG=1.
		const since = Date.now();
		opened.page.on('console', (message) => {
			const line = `[page ${((Date.now() - since) / 1000).toFixed(1)} s] ${message.type()} ${message.text()}`;
			consoleLines.push(line);
			if (process.env.SWARMLAB_DEBUG) process.stderr.write(`${line}\n`);
		});
	});
	afterEach((context: TestContext) => {
		if (context.task.result?.state === 'fail') process.stderr.write(`The page's console, last lines:\n${consoleLines.slice(-80).join('\n')}\n`);
	});
	afterAll(async () => {
		await opened.browser?.close();
		await opened.site?.close();
	});
	return opened;
}

/** Waits for the three nodes, their terminals shown. */
export async function waitForChapterNodes(page: Page): Promise<void> {
	await showAllTerminals(page);
	for (const node of chapterNodes) await waitForNodeState(page, node, 'ready', 600_000);
}

/** On every node, commands the saved state never ran: their files come from disk chunks read now. */
export async function readUnreadFilesOnEveryNode(page: Page): Promise<void> {
	for (const node of chapterNodes) {
		await page.getByTestId(`terminal-${node}`).click();
		await page.keyboard.type('echo tools=$(ls /usr/sbin /usr/bin | wc -l) $(iptables --version | cut -c1-8)');
		await page.keyboard.press('Enter');
		await waitForTerminalText(page, node, /tools=\d{3,} iptables/, 300_000);
	}
}
