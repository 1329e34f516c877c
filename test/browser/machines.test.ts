// A student on chapters 1 and 2 with three real machines in Chromium: run buttons that grade themselves, a pasted command, resets, a stopped agent, reloads.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, type Browser } from './harness/chromium.ts';
import { showAllTerminals, terminalText, waitForNodeState, waitForTerminalText } from './harness/machines.ts';
import { ensureMainSite, root } from './harness/site-build.ts';
import { serveStatic, type StaticServer } from './harness/static-server.ts';

const nodes = ['manager', 'worker1', 'worker2'];
const results = resolve(root, 'test-results');
let browser: Browser;
let site: StaticServer;
let page: Page;

/** Click the run button of the command block whose code starts with `code` on `node`. */
async function run(node: string, code: string) {
	const block = page.locator(`figure.command[data-node="${node}"]`).filter({ hasText: code }).first();
	await block.locator('button.run').click();
}

async function typeInto(node: string, text: string) {
	await page.getByTestId(`terminal-${node}`).click();
	await page.keyboard.type(text);
	await page.keyboard.press('Enter');
}

/** Commands that ended at the node's prompt, as the shell marked them (the terminal's data-commands-ended). */
const commandsEnded = async (node: string) => Number(await page.getByTestId(`terminal-${node}`).getAttribute('data-commands-ended'));

const passedBeforeReset = ['swarm-initialized', 'join-traffic', 'workers-ready'];
const checkpoint = (id: string) => page.getByTestId(`checkpoint-${id}`);

beforeAll(async () => {
	await mkdir(results, { recursive: true });
	site = await serveStatic(await ensureMainSite());
	browser = await launchChromium();
	page = await browser.context.newPage();
	await page.goto(`${site.url}en/labs/form-swarm/`);
	await showAllTerminals(page);
});

afterAll(async () => {
	await browser?.close();
	await site?.close();
});

describe('chapter 1 on real machines', () => {
	test('the three nodes reach a shell prompt', { timeout: 1_200_000 }, async () => {
		for (const node of nodes) await waitForNodeState(page, node, 'ready', 900_000);
		for (const node of nodes) await waitForTerminalText(page, node, new RegExp(`root@${node}:~#`), 120_000);
		await page.screenshot({ path: resolve(results, 'lab-page-machines.png') });
	});

	test('run buttons and the pasted join command alone, never Check, pass every command and capture checkpoint, each within 10 s of its command', { timeout: 1_800_000 }, async () => {
		/** Waits until `node` has ended `count` more commands at its prompt than `before`; returns when it did. */
		async function commandsDone(node: string, before: number, count: number) {
			await expect.poll(() => commandsEnded(node), { timeout: 600_000, interval: 200 }).toBeGreaterThanOrEqual(before + count);
			return Date.now();
		}
		/** Clicks a command block's run button and waits for its last line to end at the prompt. */
		async function runBlock(block: Locator) {
			const node = (await block.getAttribute('data-node'))!;
			const lines = (await block.locator('code').innerText()).split('\n').filter((line) => line.trim()).length;
			const before = await commandsEnded(node);
			await block.locator('button.run').click();
			return commandsDone(node, before, lines);
		}
		/** The join command the manager printed, pasted into both workers the way the chapter asks. */
		async function pasteJoin() {
			// The token is longer than a terminal row: rows are joined back the way a copy of the selection would.
			const joinCommand = /docker swarm join --token \S+ 10\.0\.3\.62:2377/;
			let join = '';
			await expect.poll(async () => (join = (await terminalText(page, 'manager')).replace(/\n/g, '').match(joinCommand)?.[0] ?? ''), { timeout: 120_000, interval: 1000 }).not.toBe('');
			let end = 0;
			for (const worker of ['worker1', 'worker2']) {
				const before = await commandsEnded(worker);
				await typeInto(worker, join);
				end = await commandsDone(worker, before, 1);
				// On a busy machine the CLI may give up waiting while the join goes on in the background: both are fine.
				await waitForTerminalText(page, worker, /This node joined a swarm as a worker|will continue in the background/, 10_000);
			}
			return end;
		}
		let lastBlock: Locator | undefined;
		let lastEnd = 0;
		for (const item of await page.locator('figure.command, section.checkpoint').all()) {
			const testId = await item.getAttribute('data-testid');
			if (!testId?.startsWith('checkpoint-')) {
				lastBlock = item;
				lastEnd = await runBlock(item);
				if ((await item.innerText()).includes('join-token worker')) lastEnd = await pasteJoin();
				continue;
			}
			// Questions wait for the student's answer; every other checkpoint grades itself.
			if ((await item.getByTestId(`answer-${testId.slice('checkpoint-'.length)}`).count()) > 0) continue;
			// A slow swarm may need the section's last command again, as a student would run `docker node ls` again.
			for (let attempt = 1; ; attempt++) {
				const passed = await expect
					.poll(() => item.getAttribute('data-status'), { timeout: 10_000, interval: 200 })
					.toBe('passed')
					.then(() => true, () => false);
				if (passed) {
					expect(Date.now() - lastEnd).toBeLessThan(10_500);
					break;
				}
				expect(attempt, `${testId} not passed: ${await item.innerText()}`).toBeLessThan(20);
				lastEnd = await runBlock(lastBlock!);
			}
		}
		// Never a Check button: nothing was ever shown as being checked by the student.
		for (const id of [...passedBeforeReset, 'ingress-on-worker2', 'gossip-between-workers']) expect(await checkpoint(id).getAttribute('data-status')).toBe('passed');
	});

	test('resetting worker2 brings it back without touching the others', { timeout: 1_200_000 }, async () => {
		for (const node of nodes) await waitForNodeState(page, node, 'ready', 900_000);
		await page.getByTestId('reset-worker2').click();
		await page.getByTestId('reset-confirm-worker2').click();
		await waitForNodeState(page, 'worker2', 'ready', 600_000);
		await typeInto('worker2', "docker info --format 'swarm={{.Swarm.LocalNodeState}}'");
		await waitForTerminalText(page, 'worker2', /swarm=inactive/, 120_000);
		await typeInto('manager', "docker info --format 'swarm={{.Swarm.LocalNodeState}}'");
		await waitForTerminalText(page, 'manager', /swarm=active/, 120_000);
	});

	test('an agent stopped on worker1 is shown within 15 s, with a reset that brings worker1 back', { timeout: 900_000 }, async () => {
		const before = await commandsEnded('worker1');
		// The student's shell is not one of the agent's processes: it stays, and marks the command's end.
		await typeInto('worker1', 'pkill -STOP -f swarmlab-agent');
		await expect.poll(() => commandsEnded('worker1'), { timeout: 60_000, interval: 200 }).toBeGreaterThan(before);
		const stoppedAt = Date.now();
		const notice = page.getByTestId('agent-lost-worker1');
		await notice.waitFor({ timeout: 30_000 });
		expect(Date.now() - stoppedAt).toBeLessThan(15_000);
		expect(await notice.textContent()).toContain('swarmlab-agent');
		await page.screenshot({ path: resolve(results, 'agent-lost.png') });
		await page.getByTestId('agent-lost-reset-worker1').click();
		await notice.waitFor({ state: 'detached', timeout: 30_000 });
		await waitForNodeState(page, 'worker1', 'ready', 600_000);
		await typeInto('worker1', 'clear; echo agent-$((6 * 7))');
		await waitForTerminalText(page, 'worker1', /agent-42/, 120_000);
		expect(await notice.count()).toBe(0);
	});

	test('the checkpoints the student passed stay passed after a reload', async () => {
		await page.reload();
		// The prerendered HTML says pending; the page restores the saved progress once it has hydrated.
		for (const id of passedBeforeReset) await expect.poll(() => checkpoint(id).getAttribute('data-status'), { timeout: 20_000 }).toBe('passed');
	});
});

describe('a chapter that starts from a swarm', () => {
	/** The page has restored the chapter's start state and run its setup: checkpoints can be graded. */
	const chapterReady = () => expect.poll(() => page.getByTestId('lab').getAttribute('data-preparation'), { timeout: 300_000, interval: 500 }).toBe('ready');
	/** The manager sees the three nodes Ready: asked again, once the previous answer is in, for three minutes at most. */
	const threeReady = () =>
		expect.poll(async () => {
			const before = await commandsEnded('manager');
			await typeInto('manager', "clear; docker node ls --format '{{.Hostname}}={{.Status}}' | sort | tr '\\n' ' '");
			await expect.poll(() => commandsEnded('manager'), { timeout: 120_000, interval: 250 }).toBeGreaterThan(before);
			return terminalText(page, 'manager');
		}, { timeout: 180_000, interval: 2000 }).toMatch(/manager=Ready worker1=Ready worker2=Ready/);

	test('opens with the three nodes in one swarm, and a service deploys on it', { timeout: 900_000 }, async () => {
		await page.goto(`${site.url}en/labs/overlay-service/`);
		await showAllTerminals(page);
		await chapterReady();
		await threeReady();
		await typeInto('manager', "docker service create -d --quiet --name hello --replicas 3 nginx >/dev/null; until [ \"$(docker service ls -f name=hello --format '{{.Replicas}}')\" = 3/3 ]; do sleep 1; done; echo deployed-$((6 * 7))");
		await waitForTerminalText(page, 'manager', /deployed-42/, 600_000);
	});

	test('after a reload the page restores the swarm again, without the service, its saved state read from Cache Storage', { timeout: 900_000 }, async () => {
		const asked = site.requests.length;
		await page.reload();
		await showAllTerminals(page);
		await chapterReady();
		expect(site.requests.slice(asked).filter((path) => path.endsWith('.pack'))).toEqual([]);
		const kept = await page.evaluate(async () => (await (await caches.open('machines')).keys()).filter((request) => request.url.endsWith('.pack')).length);
		expect(kept).toBeGreaterThan(0);
		await threeReady();
		await typeInto('manager', 'echo services=$(docker service ls -q | wc -l)');
		await waitForTerminalText(page, 'manager', /services=0/, 120_000);
	});

	test('reset all puts the whole swarm back to the chapter’s start together: what was made since is gone, three nodes Ready', { timeout: 900_000 }, async () => {
		await typeInto('manager', 'clear; docker network create -d overlay left-behind >/dev/null && echo made-$((6 * 7))');
		await waitForTerminalText(page, 'manager', /made-42/, 120_000);
		// Every state the chapter's preparation goes through, as the page shows it, so that a quick reset is not missed.
		await page.evaluate(() => {
			const lab = document.querySelector('[data-testid="lab"]')!;
			const seen: string[] = [];
			(window as unknown as { preparations: string[] }).preparations = seen;
			new MutationObserver(() => seen.push(lab.getAttribute('data-preparation') ?? '')).observe(lab, { attributes: true, attributeFilter: ['data-preparation'] });
		});
		await page.getByTestId('reset-manager').click();
		await page.getByTestId('reset-all-manager').click();
		await expect.poll(() => page.evaluate(() => (window as unknown as { preparations: string[] }).preparations), { timeout: 300_000, interval: 500 }).toEqual(expect.arrayContaining(['resetting', 'ready']));
		await chapterReady();
		await threeReady();
		await typeInto('manager', 'clear; echo networks=$(docker network ls -q -f name=left-behind | wc -l)');
		await waitForTerminalText(page, 'manager', /networks=0/, 120_000);
	});

});

test('over both chapters, reloads and resets included, the pages broke no rule of their Content-Security-Policy', async () => {
	const policy = await page.locator('meta[http-equiv="content-security-policy"]').getAttribute('content');
	expect(policy).toMatch(/object-src 'none'/);
	expect(policy).toMatch(/base-uri 'none'/);
	expect(browser.cspViolations).toEqual([]);
});
