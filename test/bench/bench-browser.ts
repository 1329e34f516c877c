// `npm run --silent bench:browser -- --json`: the production build in Chromium, page load to three shell prompts.
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { launchChromium } from '../browser/harness/chromium.ts';
import { ensureMainSite } from '../browser/harness/site-build.ts';
import { waitForTerminalText } from '../browser/harness/machines.ts';
import { serveStatic, type StaticServer } from '../browser/harness/static-server.ts';
import type { BrowserContext } from 'playwright-core';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, chapter: { type: 'string', default: 'form-swarm' } } });
const nodes = ['manager', 'worker1', 'worker2'];

/** Resident memory of every Chromium process, in MB: the tab, its renderer and the three VM workers. */
function chromiumRssMB(): number {
	const out = execFileSync('ps', ['-C', 'chromium', '-o', 'rss='], { encoding: 'utf8' });
	return Math.round(out.split('\n').filter(Boolean).reduce((sum, kb) => sum + Number(kb), 0) / 1024);
}

async function pageToPrompts(context: BrowserContext, server: StaticServer) {
	const bytesBefore = server.bytesSent();
	const page = await context.newPage();
	const start = performance.now();
	await page.goto(`${server.url}en/labs/${values.chapter}/`);
	// xterm.js does not draw hidden terminals: split view shows all three.
	await page.getByTestId('split-view').check({ force: true });
	for (const node of nodes) await waitForTerminalText(page, node, new RegExp(`root@${node}:~#`), 600_000);
	const ms = Math.round(performance.now() - start);
	const bytes = server.bytesSent() - bytesBefore;
	const rssMB = chromiumRssMB();
	await page.close();
	return { ms, bytes, rssMB };
}

const server = await serveStatic(await ensureMainSite());
const browser = await launchChromium({ v8Defaults: true });
try {
	const cold = await pageToPrompts(browser.context, server);
	const warm = await pageToPrompts(browser.context, server);
	const result = {
		pageToPromptsColdMs: cold.ms,
		pageToPromptsWarmMs: warm.ms,
		bytesBeforePromptsCold: cold.bytes,
		bytesBeforePromptsWarm: warm.bytes,
		tabMemoryMB: cold.rssMB,
	};
	process.stdout.write(JSON.stringify(result, null, values.json ? 0 : 2) + '\n');
} finally {
	await browser.close();
	await server.close();
}
process.exit(0);
