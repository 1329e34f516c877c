import { describe, expect, test } from 'vitest';
import { yieldWithinWorker } from '../../../emulator/node/worker-yield.ts';

function fakeLoop() {
	const ticks: number[] = [];
	const loop = {
		ended: false,
		yield: (_ms: number, _tick: number) => {},
		yield_callback: (tick: number) => void ticks.push(tick),
		unregister_yield() {
			this.ended = true;
		},
	};
	return { loop, ticks };
}

describe('v86 yielding inside a Web Worker', () => {
	test('a busy guest comes back on the same thread, in order, and the nested worker is ended', async () => {
		const { loop, ticks } = fakeLoop();
		const close = yieldWithinWorker(loop, undefined);
		expect(loop.ended).toBe(true);
		loop.yield(0, 1);
		loop.yield(0.5, 2);
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(ticks).toEqual([1, 2]);
		close();
	});

	test('a halted guest sleeps with the scheduler’s delay, keeping its tick number', async () => {
		const { loop, ticks } = fakeLoop();
		const delays: number[] = [];
		const scheduler = {
			postTask: (callback: () => void, { delay }: { delay: number }) => {
				delays.push(delay);
				callback();
				return Promise.resolve();
			},
		};
		const close = yieldWithinWorker(loop, scheduler);
		loop.yield(4, 9);
		expect(delays).toEqual([4]);
		expect(ticks).toEqual([9]);
		close();
	});
});
