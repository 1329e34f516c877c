// Reading the machines on a page the way a student sees them: a node's status, and the text on its terminal.
import type { Page } from 'playwright-core';

export type NodeState = 'idle' | 'downloading' | 'restoring' | 'ready' | 'resetting' | 'error' | 'stopped';

/** Waits until the node's tab shows `state`; a node that fails first throws with its reason. */
export async function waitForNodeState(page: Page, node: string, state: NodeState, timeoutMs = 600_000): Promise<void> {
	const badge = page.getByTestId(`status-${node}`);
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const current = await badge.getAttribute('data-state');
		if (current === state) return;
		if (current === 'error' && state !== 'error') throw new Error(`${node} failed: ${await badge.getAttribute('title')}`);
		if (Date.now() > deadline) throw new Error(`${node} is still ${current} after ${timeoutMs} ms (waiting for ${state})`);
		await page.waitForTimeout(500);
	}
}

/**
 * Turns on split view, where every terminal stays visible, as a student watching the three nodes at once would have it.
 * Asked again until it holds: a click on the prerendered checkbox is undone by hydration, and one made while the
 * machine panel is being put in place can be lost with it.
 */
export async function showAllTerminals(page: Page, timeoutMs = 120_000): Promise<void> {
	const box = page.getByTestId('split-view');
	const deadline = Date.now() + timeoutMs;
	while (!(await box.isChecked().catch(() => false))) {
		if (Date.now() > deadline) throw new Error(`split view is still off ${timeoutMs} ms after the page opened`);
		await box.check({ force: true, timeout: 5000 }).catch(() => {});
		await page.waitForTimeout(250);
	}
}

/**
 * The visible lines of a node's terminal. xterm.js stops drawing terminals that are hidden,
 * so the node's tab is brought to the front first (in split view every terminal is visible anyway).
 */
export async function terminalText(page: Page, node: string): Promise<string> {
	const split = await page.getByTestId('split-view').isChecked();
	if (!split) await page.getByTestId(`tab-${node}`).click();
	return page
		.getByTestId(`terminal-${node}`)
		.locator('.xterm-rows > div')
		.evaluateAll((rows) => rows.map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n').trimEnd());
}

export async function waitForTerminalText(page: Page, node: string, pattern: RegExp, timeoutMs = 120_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const text = await terminalText(page, node);
		if (pattern.test(text)) return text;
		if (Date.now() > deadline) throw new Error(`${node}'s terminal does not show ${pattern} after ${timeoutMs} ms:\n${text}`);
		await page.waitForTimeout(500);
	}
}

/**
 * Types a command at a node's prompt, waits until the shell marks it ended (the terminal's data-commands-ended: text
 * left on the screen by the previous command must not answer for this one), and returns the first capture of `answer`.
 */
export async function ask(page: Page, node: string, command: string, answer: RegExp, timeoutMs = 300_000): Promise<string> {
	const terminal = page.getByTestId(`terminal-${node}`);
	const ended = async () => Number(await terminal.getAttribute('data-commands-ended'));
	await page.getByTestId(`tab-${node}`).click();
	await terminal.click();
	const before = await ended();
	await page.keyboard.type(`clear; ${command}`);
	await page.keyboard.press('Enter');
	const deadline = Date.now() + timeoutMs;
	while ((await ended()) <= before) {
		if (Date.now() > deadline) throw new Error(`${node}: \`${command}\` did not end within ${timeoutMs} ms`);
		await page.waitForTimeout(250);
	}
	const text = await waitForTerminalText(page, node, answer, 10_000);
	return answer.exec(text)![1];
}
