// `npm run --silent bench:browser -- --json [--only open|inspector|points]`: the production build in Chromium with V8's defaults: page load to three
// shell prompts (chapter 1, fresh), page load to a swarm chapter ready to grade, cold and warm; one fixed guest
// workload timed inside the guest in Chromium and under Node.js, whose ratio is what the browser alone costs; and the
// saved points (a checkpoint's snapshot: its bytes and the page's longest task meanwhile; a reload resumed).
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Cluster, defaultNodes } from '../../emulator/cluster/cluster.ts';
import { localVmFiles } from '../../emulator/node/local-files.ts';
import { median } from './median.ts';
import { launchChromium } from '../browser/harness/chromium.ts';
import { ensureMainSite } from '../browser/harness/site-build.ts';
import { ask, showAllTerminals, waitForNodeState, waitForTerminalText } from '../browser/harness/machines.ts';
import { serveStatic, type StaticServer } from '../browser/harness/static-server.ts';
import type { BrowserContext } from 'playwright-core';

const { values } = parseArgs({
	options: { json: { type: 'boolean', default: false }, only: { type: 'string' }, chapter: { type: 'string', default: 'form-swarm' }, 'swarm-chapter': { type: 'string', default: 'overlay-service' } },
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
	await showAllTerminals(page);
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
 * The packet inspector on chapter 1: how long a frame takes from the switch to its row (rows show the switch's time; a
 * MutationObserver notes when each appears), then the longest main-thread task (PerformanceObserver 'longtask': only
 * tasks of 50 ms or more are reported, so 0 means none) while a UDP flood fills the list, with the inspector closed
 * and then open, and the rate the flood reached.
 */
async function inspectorMetrics(context: BrowserContext, server: StaticServer) {
	const page = await context.newPage();
	await page.goto(`${server.url}en/labs/${values.chapter}/`);
	await waitForTerminalText(page, 'manager', /root@manager:~#/, 600_000);
	const probe = () => window as unknown as { latencies: number[]; longest: number; since: number };
	await page.evaluate(() => {
		const probe = window as unknown as { latencies: number[]; longest: number; since: number };
		Object.assign(probe, { latencies: [], longest: 0, since: Date.now() });
		new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) probe.longest = Math.max(probe.longest, entry.duration);
		}).observe({ type: 'longtask' });
	});
	const type = async (node: string, command: string) => {
		await page.getByTestId(`tab-${node}`).click();
		await page.getByTestId(`terminal-${node}`).click();
		await page.keyboard.type(command);
		await page.keyboard.press('Enter');
	};
	/** 2000 frames a second from each worker to the manager for 10 s (64-byte UDP datagrams at 1024 kbit/s, one frame
	 * each: the guests reach 1400-1900 each here); the longest main-thread task meanwhile. */
	const flood = async () => {
		await type('manager', 'clear; iperf3 -s -1 -D -p 5201; iperf3 -s -1 -D -p 5202');
		const senders = ['worker1', 'worker2'];
		for (const [i, node] of senders.entries()) {
			await type(node, `clear; for try in 1 2 3 4 5; do iperf3 -c 10.0.3.62 -p ${5201 + i} -u -l 64 -b 1024K -t 10 && echo flood""-done && break; sleep 1; done`);
		}
		// Typing is not what is measured: xterm's key handling alone makes tasks of 50 ms here.
		await page.evaluate(`(${probe})().longest = 0`);
		let sent = 0;
		for (const node of senders) {
			const text = await waitForTerminalText(page, node, /flood-done/, 300_000);
			// iperf3's own count of the datagrams it sent, one frame each: `… 0/19532 (0%)  sender`.
			sent += Number(/\d+\/(\d+) \([\d.]+%\)\s+sender/.exec(text)?.[1] ?? NaN);
		}
		return { framesPerSecond: Math.round(sent / 10), longest: Math.round(await page.evaluate(`(${probe})().longest`)) };
	};
	// The same flood with the inspector closed first: what the page's main thread costs without it.
	const closed = await flood();

	await page.getByTestId('open-inspector').click();
	await page.getByTestId('inspector').waitFor();
	await page.getByTestId('inspector-hide-gossip').uncheck();
	await page.getByTestId('inspector-hide-arp').uncheck();
	await page.evaluate(() => {
		const probe = window as unknown as { latencies: number[]; since: number };
		probe.since = Date.now();
		const dayStart = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
		// A row is a frame (its id names the frame's sequence number) shown for the first time: a new element, or one
		// the list reused for another frame (its id and text change in place).
		const seen = new Set<string>();
		new MutationObserver((mutations) => {
			const now = Date.now();
			const rows = mutations.flatMap((mutation) => (mutation.type === 'attributes' ? [mutation.target] : [...mutation.addedNodes])) as HTMLElement[];
			for (const row of rows) {
				if (row.dataset?.testid !== 'inspector-row' || seen.has(row.id)) continue;
				seen.add(row.id);
				const [h, m, s] = (row.querySelector('.time')?.textContent ?? '').split(':').map(Number);
				const sent = dayStart + ((h * 60 + m) * 60 + s) * 1000;
				if (sent >= probe.since) probe.latencies.push(now - sent);
			}
		}).observe(document.querySelector('[data-testid="inspector"]')!, { childList: true, subtree: true, attributes: true, attributeFilter: ['id'] });
	});
	await type('manager', 'clear; ping -c 10 worker1');
	await waitForTerminalText(page, 'manager', /10 received/, 120_000);
	const latencies = await page.evaluate(() => (window as unknown as { latencies: number[] }).latencies);
	const open = await flood();
	await page.close();
	return {
		inspectorLatencyMs: Math.round(median(latencies)),
		inspectorLongTasksMs: open.longest,
		inspectorClosedLongTasksMs: closed.longest,
		inspectorFramesPerSecond: open.framesPerSecond,
	};
}

/**
 * The swarm chapter's first checkpoint passed, then: how long its snapshot took to be kept, its stored bytes, and the
 * longest main-thread task meanwhile (PerformanceObserver 'longtask', 0 if none reached 50 ms); then the tab hidden
 * (a resume point), reloaded, and resumed: reload → the resume offer answered → three nodes ready and the chapter
 * ready to grade.
 */
async function savedPointMetrics(context: BrowserContext, server: StaticServer) {
	const page = await context.newPage();
	page.on('dialog', (dialog) => void dialog.accept());
	const ready = () => page.getByTestId('lab').and(page.locator('[data-preparation="ready"]')).waitFor({ timeout: 600_000 });
	await page.goto(`${server.url}en/labs/${values['swarm-chapter']}/`);
	await showAllTerminals(page);
	await ready();
	await page.evaluate(() => {
		const probe = window as unknown as { longest: number };
		probe.longest = 0;
		new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) probe.longest = Math.max(probe.longest, entry.duration);
		}).observe({ type: 'longtask' });
	});
	const point = (kind: string) => page.locator(`[data-testid="saved-point"][data-kind="${kind}"]`);
	await ask(page, 'manager', 'docker network create -d overlay my-overlay >/dev/null; echo made=$?', /made=(\d)/);
	while ((await page.getByTestId('checkpoint-overlay-created').getAttribute('data-status')) !== 'passed') await page.waitForTimeout(100);
	// Typing is not what is measured: the save starts as the checkpoint passes.
	await page.evaluate(() => ((window as unknown as { longest: number }).longest = 0));
	const saveStarted = performance.now();
	await point('checkpoint').waitFor({ timeout: 300_000 });
	const checkpointSaveMs = Math.round(performance.now() - saveStarted);
	const saveMainThreadMaxMs = Math.round(await page.evaluate(() => (window as unknown as { longest: number }).longest));
	const checkpointSaveBytes = await page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const request = indexedDB.open('swarmlab-saved-points');
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		const all = await new Promise<{ kind: string; bytes: number }[]>((resolve) => {
			const request = db.transaction('points').objectStore('points').getAll();
			request.onsuccess = () => resolve(request.result);
		});
		return all.find((kept) => kept.kind === 'checkpoint')!.bytes;
	});
	await ask(page, 'worker1', 'echo kept > /root/kept.txt; echo wrote=$?', /wrote=(\d)/);
	await page.evaluate(() => {
		Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
		document.dispatchEvent(new Event('visibilitychange'));
		delete (document as { visibilityState?: unknown }).visibilityState;
	});
	await point('resume').waitFor({ timeout: 300_000 });
	while ((await page.getByTestId('saved-points-saving').count()) > 0) await page.waitForTimeout(100);
	const reloaded = performance.now();
	await page.reload();
	await page.getByTestId('resume-yes').click({ timeout: 120_000 });
	await showAllTerminals(page);
	for (const node of nodes) await waitForNodeState(page, node, 'ready');
	await ready();
	const resumeWarmMs = Math.round(performance.now() - reloaded);
	if ((await ask(page, 'worker1', 'echo file=$(cat /root/kept.txt)', /file=(\S+)/)) !== 'kept') throw new Error('the resumed worker1 lost /root/kept.txt');
	await page.getByTestId('delete-all-saved-points').click();
	await page.close();
	return { checkpointSaveMs, checkpointSaveBytes, saveMainThreadMaxMs, resumeWarmMs };
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

if (values.only !== undefined && !['inspector', 'open', 'points'].includes(values.only)) throw new Error(`--only takes open, inspector or points, not "${values.only}"`);
const everything = values.only === undefined;
// `open`: the page's opening times alone, to compare one lever with and without it in a few minutes.
const opening = everything || values.only === 'open';
const server = await serveStatic(await ensureMainSite());
const result: Record<string, number> = {};
const browser = await launchChromium();
try {
	if (opening) {
		const cold = await pageToPrompts(browser.context, server);
		const warm = await pageToPrompts(browser.context, server);
		Object.assign(result, {
			pageToPromptsColdMs: cold.ms,
			pageToPromptsWarmMs: warm.ms,
			bytesBeforePromptsCold: cold.bytes,
			bytesBeforePromptsWarm: warm.bytes,
			tabMemoryMB: cold.rssMB,
		});
	}
	if (everything) {
		result.workloadChromiumMs = await workloadInChromium(browser.context, server);
	}
	if (everything || values.only === 'inspector') Object.assign(result, await inspectorMetrics(browser.context, server));
	if (everything || values.only === 'points') Object.assign(result, await savedPointMetrics(browser.context, server));
} finally {
	await browser.close();
}
if (opening) {
	// A new profile: nothing cached.
	const coldBrowser = await launchChromium();
	try {
		result.chapterReadyColdMs = await chapterReady(coldBrowser.context, server);
		result.chapterReadyWarmMs = await chapterReady(coldBrowser.context, server);
	} finally {
		await coldBrowser.close();
	}
}
if (everything) {
	result.workloadNodeMs = await workloadUnderNode();
	result.browserGuestSlowdown = Math.round((result.workloadChromiumMs / result.workloadNodeMs) * 100) / 100;
}
await server.close();
process.stdout.write(JSON.stringify(result, null, values.json ? 0 : 2) + '\n');
process.exit(0);
