// Saved points in Chromium, on chapter 2's restored swarm: a checkpoint that passes saves the machines; what was made
// on worker1 and a running service survive a reload (resume); going back to the checkpoint removes what came after.
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { ask } from './harness/machines.ts';
import { useSitePage, waitForChapterNodes } from './harness/site-page.ts';

const opened = useSitePage();
const chapterUrl = () => `${opened.site.url}en/labs/overlay-service/`;

const ready = (page: Page) => page.getByTestId('lab').and(page.locator('[data-preparation="ready"]')).waitFor({ timeout: 600_000 });
const savedPoint = (page: Page, kind: 'resume' | 'checkpoint') => page.locator(`[data-testid="saved-point"][data-kind="${kind}"][data-chapter="overlay-service"]`);

/** The tab goes to the background, as when the student switches tabs or closes the laptop lid. */
async function hideTab(page: Page) {
	await page.evaluate(() => {
		Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
		document.dispatchEvent(new Event('visibilitychange'));
		delete (document as { visibilityState?: unknown }).visibilityState;
	});
}

describe('saved points of the machines', () => {
	test('a passed checkpoint saves the machines; a reload offers to resume, and resuming brings back a file on worker1 and a running service', { timeout: 1_500_000 }, async () => {
		const { page } = opened;
		page.on('dialog', (dialog) => void dialog.accept());
		await page.goto(chapterUrl());
		await waitForChapterNodes(page);
		await ready(page);
		expect(await savedPoint(page, 'checkpoint').count()).toBe(0);

		await ask(page, 'worker1', 'echo made-before > /root/before.txt; echo wrote=$?', /wrote=(\d)/);
		await ask(page, 'manager', 'docker network create -d overlay my-overlay >/dev/null; echo made=$?', /made=(\d)/);
		await expect.poll(() => page.getByTestId('checkpoint-overlay-created').getAttribute('data-status'), { timeout: 120_000 }).toBe('passed');
		await savedPoint(page, 'checkpoint').waitFor({ timeout: 300_000 });
		await page.getByTestId('rewind-overlay-created').waitFor();

		await ask(page, 'worker1', 'echo made-after > /root/after.txt; echo wrote=$?', /wrote=(\d)/);
		await ask(page, 'manager', 'docker service create -d --no-resolve-image --name keep busybox sleep 3600 >/dev/null; echo made=$?', /made=(\d)/);
		const running = `for i in $(seq 300); do [ "$(docker service ls -f name=keep --format '{{.Replicas}}')" = 1/1 ] && break; sleep 1; done; echo keep=$(docker service ls -f name=keep --format '{{.Replicas}}')`;
		expect(await ask(page, 'manager', running, /keep=(\S+)/, 600_000)).toBe('1/1');

		await hideTab(page);
		await savedPoint(page, 'resume').waitFor({ timeout: 300_000 });
		await expect.poll(() => page.getByTestId('saved-points-saving').count(), { timeout: 300_000 }).toBe(0);

		await page.reload();
		const offer = page.locator('[data-testid="preparation"][data-state="resume-offer"]');
		await offer.waitFor({ timeout: 120_000 });
		await page.getByTestId('resume-yes').click();
		await waitForChapterNodes(page);
		await ready(page);
		expect(await ask(page, 'worker1', 'echo file=$(cat /root/after.txt)', /file=(\S+)/)).toBe('made-after');
		expect(await ask(page, 'manager', running, /keep=(\S+)/, 600_000)).toBe('1/1');
		// Resumed, not prepared again: the checkpoint stays passed and can still be returned to.
		expect(await page.getByTestId('checkpoint-overlay-created').getAttribute('data-status')).toBe('passed');
	});

	test('returning to the checkpoint removes what was made after it and keeps what was made before; progress stays', { timeout: 900_000 }, async () => {
		const { page } = opened;
		await page.getByTestId('rewind-overlay-created').click();
		await page.locator('[data-testid="lab"][data-preparation="rewinding"]').waitFor({ timeout: 60_000 }).catch(() => {});
		await ready(page);
		await waitForChapterNodes(page);
		expect(await ask(page, 'worker1', 'echo file=$(cat /root/after.txt 2>/dev/null || echo none)', /file=(\S+)/)).toBe('none');
		expect(await ask(page, 'worker1', 'echo file=$(cat /root/before.txt)', /file=(\S+)/)).toBe('made-before');
		expect(await ask(page, 'manager', 'echo services=$(docker service ls -q | wc -l) net=$(docker network ls -q -f name=my-overlay | wc -l)', /(services=\d+ net=\d+)/)).toBe('services=0 net=1');
		expect(await page.getByTestId('checkpoint-overlay-created').getAttribute('data-status')).toBe('passed');
	});

	test('skip ahead runs the solution up to a later checkpoint: marked skipped, not passed; it then grades as passed', { timeout: 1_200_000 }, async () => {
		const { page } = opened;
		await page.getByTestId('skip-web-converged').click();
		await page.locator('[data-testid="lab"][data-preparation="skipping"]').waitFor({ timeout: 120_000 });
		await ready(page);
		const card = page.getByTestId('checkpoint-web-converged');
		expect(await card.getAttribute('data-status')).toBe('skipped');
		await page.getByTestId('check-web-converged').click();
		await expect.poll(() => card.getAttribute('data-status'), { timeout: 300_000 }).toBe('passed');
		const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('swarmlab.progress.v1')!).chapters['overlay-service'].checkpoints);
		expect(saved['web-converged']).toMatchObject({ status: 'skipped' });
		expect(saved['web-converged'].passedAt).toBeUndefined();
		expect(saved['overlay-created'].passedAt).toEqual(expect.any(String));
		expect(await page.getByTestId('chapter-progress').innerText()).toMatch(/^1\b/);
	});

	test('the storage panel lists the points with their sizes and deletes them', { timeout: 120_000 }, async () => {
		const { page } = opened;
		const points = page.getByTestId('saved-point');
		expect(await points.count()).toBeGreaterThanOrEqual(2);
		for (const text of await points.allTextContents()) expect(text).toMatch(/\d+(\.\d)? MB/);
		await page.getByTestId('delete-all-saved-points').click();
		await expect.poll(() => points.count(), { timeout: 30_000 }).toBe(0);
		await expect.poll(() => page.getByTestId(`rewind-overlay-created`).count()).toBe(0);
	});

	test('a point taken on another build of the machines is deleted when the page opens, and the student told', { timeout: 900_000 }, async () => {
		const { page } = opened;
		await page.evaluate(async () => {
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const request = indexedDB.open('swarmlab-saved-points');
				request.onsuccess = () => resolve(request.result);
				request.onerror = () => reject(request.error);
			});
			await new Promise<void>((resolve, reject) => {
				const transaction = db.transaction(['points', 'snapshots'], 'readwrite');
				const id = 'overlay-service/checkpoint/overlay-created';
				transaction.objectStore('points').put({ id, chapterId: 'overlay-service', kind: 'checkpoint', checkpointId: 'overlay-created', buildKey: 'an-older-build', takenAt: Date.now(), bytes: 4 });
				transaction.objectStore('snapshots').put({ start: 'swarm', takenAt: Date.now(), nodes: [] }, id);
				transaction.oncomplete = () => resolve();
				transaction.onerror = () => reject(transaction.error);
			});
		});
		await page.reload();
		const notice = page.getByTestId('saved-points-notice');
		await notice.waitFor({ timeout: 300_000 });
		expect(await notice.innerText()).toMatch(/older version of the machines.*Deleted: 1\./);
		expect(await page.getByTestId('saved-point').count()).toBe(0);
	});
});
