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

/**
 * The packet inspector open on chapter 1: how long a frame takes from the switch to its row (rows show the switch's
 * time; a MutationObserver notes when each appears), then the longest main-thread task (PerformanceObserver
 * 'longtask': only tasks of 50 ms or more are reported, so 0 means none) while a flood ping fills the list, and the
 * rate the flood reached.
 */
async function inspectorMetrics(context: BrowserContext, server: StaticServer) {
	const page = await context.newPage();
	await page.goto(`${server.url}en/labs/${values.chapter}/`);
	await waitForTerminalText(page, 'manager', /root@manager:~#/, 600_000);
	await page.getByTestId('open-inspector').click();
	await page.getByTestId('inspector').waitFor();
	await page.getByTestId('inspector-hide-gossip').uncheck();
	await page.getByTestId('inspector-hide-arp').uncheck();
	await page.evaluate(() => {
		const probe = window as unknown as { latencies: number[]; longest: number; since: number };
		Object.assign(probe, { latencies: [], longest: 0, since: Date.now() });
		const dayStart = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
		new MutationObserver((mutations) => {
			const now = Date.now();
			for (const mutation of mutations) {
				for (const node of mutation.addedNodes) {
					const row = node as HTMLElement;
					if (row.dataset?.testid !== 'inspector-row') continue;
					const [h, m, s] = (row.querySelector('.time')?.textContent ?? '').split(':').map(Number);
					const sent = dayStart + ((h * 60 + m) * 60 + s) * 1000;
					if (sent >= probe.since) probe.latencies.push(now - sent);
				}
			}
		}).observe(document.querySelector('[data-testid="inspector"]')!, { childList: true, subtree: true });
		new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) probe.longest = Math.max(probe.longest, entry.duration);
		}).observe({ type: 'longtask' });
	});
	const type = async (command: string) => {
		await page.getByTestId('terminal-manager').click();
		await page.keyboard.type(command);
		await page.keyboard.press('Enter');
	};
	await type('ping -c 10 worker1');
	await waitForTerminalText(page, 'manager', /10 received/, 120_000);
	const latencies = await page.evaluate(() => (window as unknown as { latencies: number[] }).latencies);
	const total = async () => Number(/of (\d+)/.exec((await page.getByTestId('inspector-count').textContent()) ?? '')?.[1] ?? 0);
	await page.evaluate(() => ((window as unknown as { longest: number }).longest = 0));
	const before = await total();
	const started = performance.now();
	await type('clear; ping -f -l 16 -c 6000 -q worker1');
	await waitForTerminalText(page, 'manager', /6000 packets transmitted/, 300_000);
	const seconds = (performance.now() - started) / 1000;
	const framesPerSecond = Math.round(((await total()) - before) / seconds);
	const longest = await page.evaluate(() => (window as unknown as { longest: number }).longest);
	await page.close();
	return { inspectorLatencyMs: Math.round(median(latencies)), inspectorLongTasksMs: Math.round(longest), inspectorFramesPerSecond: framesPerSecond };
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
	Object.assign(result, await inspectorMetrics(browser.context, server));
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
