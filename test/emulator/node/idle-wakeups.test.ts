import { describe, expect, test } from 'vitest';
import { sleepWholeMilliseconds } from '../../../emulator/node/idle-wakeups.ts';

function recordingLoop() {
	const waits: [number, number][] = [];
	const loop = { yield: (ms: number, tick: number) => void waits.push([ms, tick]) };
	sleepWholeMilliseconds(loop);
	return { loop, waits };
}

describe('a halted guest waits whole milliseconds', () => {
	test('a wait between two ticks is rounded up, never down, and keeps its tick number', () => {
		const { loop, waits } = recordingLoop();
		loop.yield(3.9, 7);
		loop.yield(0.2, 8);
		loop.yield(4, 9);
		expect(waits).toEqual([[4, 7], [1, 8], [4, 9]]);
	});

	test('a running guest (no wait) still comes back at once', () => {
		const { loop, waits } = recordingLoop();
		loop.yield(0, 1);
		expect(waits).toEqual([[0, 1]]);
	});
});
