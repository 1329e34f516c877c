// `npm run --silent bench:browser -- --json`: the production build in Chromium with V8's defaults: page load to three
// shell prompts (chapter 1, fresh), page load to a swarm chapter ready to grade, cold and warm; and one fixed guest
// workload timed inside the guest in Chromium and under Node.js, whose ratio is what the browser alone costs.
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Cluster, defaultNodes } from '../../emulator/cluster/cluster.ts';
import { localVmFiles } from '../../emulator/node/local-files.ts';
import { median } from './median.ts';
import { launchChromium } from '../browser/harness/chromium.ts';
import { ensureMainSite } from '../browser/harness/site-build.ts';
import { waitForTerminalText } from '../browser/harness/machines.ts';
import { serveStatic, type StaticServer } from '../browser/harness/static-server.ts';
import type { BrowserContext } from 'playwright-core';

const { values } = parseArgs({
	options: { json: { type: 'boolean', default: false }, chapter: { type: 'string', default: 'form-swarm' }, 'swarm-chapter': { type: 'string', default: 'overlay-service' } },
});
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

/** Page open → the swarm chapter has restored its start state and run its setup: its checkpoints can be graded. */
async function chapterReady(context: BrowserContext, server: StaticServer) {
	const page = await context.newPage();
	const start = performance.now();
	await page.goto(`${server.url}en/labs/${values['swarm-chapter']}/`);
	await page.getByTestId('lab').and(page.locator('[data-preparation="ready"]')).waitFor({ timeout: 600_000 });
	const ms = Math.round(performance.now() - start);
	await page.close();
	return ms;
}

/** Five `docker --version` in a row, timed by the guest's own clock: the same work whatever runs the emulator. */
const workload = 's=$(date +%s%N); for i in 1 2 3 4 5; do docker --version >/dev/null; done; echo workload-ms=$(( ($(date +%s%N) - s) / 1000000 ))';
const workloadRuns = 3;

async function workloadInChromium(context: BrowserContext, server: StaticServer) {
	const page = await context.newPage();
	await page.goto(`${server.url}en/labs/${values.chapter}/`);
	await page.getByTestId('split-view').check({ force: true });
	for (const node of nodes) await waitForTerminalText(page, node, new RegExp(`root@${node}:~#`), 600_000);
	const times: number[] = [];
	for (let run = 1; run <= workloadRuns; run++) {
		await page.getByTestId('terminal-manager').click();
		await page.keyboard.type(`clear; ${workload}`);
		await page.keyboard.press('Enter');
		const text = await waitForTerminalText(page, 'manager', /workload-ms=\d+/, 300_000);
		times.push(Number(/workload-ms=(\d+)/.exec(text)![1]));
	}
	await page.close();
	return median(times);
}

async function workloadUnderNode() {
	const cluster = await Cluster.restore({ nodes: defaultNodes, files: await localVmFiles(), start: 'fresh' });
	try {
		const times: number[] = [];
		for (let run = 1; run <= workloadRuns; run++) {
			const { stdout } = await cluster.node('manager').exec(workload, { timeoutMs: 300_000 });
			times.push(Number(/workload-ms=(\d+)/.exec(stdout)![1]));
		}
		return median(times);
	} finally {
		await cluster.stop();
	}
}

const server = await serveStatic(await ensureMainSite());
const result: Record<string, number> = {};
const browser = await launchChromium();
try {
	const cold = await pageToPrompts(browser.context, server);
	const warm = await pageToPrompts(browser.context, server);
	Object.assign(result, {
		pageToPromptsColdMs: cold.ms,
		pageToPromptsWarmMs: warm.ms,
		bytesBeforePromptsCold: cold.bytes,
		bytesBeforePromptsWarm: warm.bytes,
		tabMemoryMB: cold.rssMB,
	});
	result.workloadChromiumMs = await workloadInChromium(browser.context, server);
} finally {
	await browser.close();
}
// A new profile: nothing cached.
const coldBrowser = await launchChromium();
try {
	result.chapterReadyColdMs = await chapterReady(coldBrowser.context, server);
	result.chapterReadyWarmMs = await chapterReady(coldBrowser.context, server);
} finally {
	await coldBrowser.close();
	await server.close();
}
result.workloadNodeMs = await workloadUnderNode();
result.browserGuestSlowdown = Math.round((result.workloadChromiumMs / result.workloadNodeMs) * 100) / 100;
process.stdout.write(JSON.stringify(result, null, values.json ? 0 : 2) + '\n');
process.exit(0);
