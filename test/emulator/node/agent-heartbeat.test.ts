import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { AgentHeartbeat } from '../../../emulator/node/agent-heartbeat.ts';

/** An agent whose answers the test gives by hand: each question waits until answered or dropped. */
function agentByHand() {
	const questions: { answer(): void; drop(): void }[] = [];
	const ask = () => new Promise<void>((answer, reject) => questions.push({ answer, drop: () => reject(new Error('dropped')) }));
	return { ask, questions };
}

describe('the agent heartbeat', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	test('an agent that answers every question is never reported, and is asked once per beat', async () => {
		const { ask, questions } = agentByHand();
		const changes: boolean[] = [];
		const heartbeat = new AgentHeartbeat(ask, (answering) => changes.push(answering), { everyMs: 3000, lostAfterMs: 9000 });
		heartbeat.start();
		for (let beat = 1; beat <= 10; beat++) {
			await vi.advanceTimersByTimeAsync(3000);
			expect(questions).toHaveLength(beat);
			questions[beat - 1].answer();
		}
		heartbeat.stop();
		expect(changes).toEqual([]);
	});

	test('a question left unanswered is reported lost after lostAfterMs, once; the late answer reports it back', async () => {
		const { ask, questions } = agentByHand();
		const changes: boolean[] = [];
		const heartbeat = new AgentHeartbeat(ask, (answering) => changes.push(answering), { everyMs: 3000, lostAfterMs: 9000 });
		heartbeat.start();
		await vi.advanceTimersByTimeAsync(3000);
		await vi.advanceTimersByTimeAsync(6000);
		expect(changes).toEqual([]);
		await vi.advanceTimersByTimeAsync(3000);
		expect(changes).toEqual([false]);
		await vi.advanceTimersByTimeAsync(30_000);
		// No second question while the first waits: a lost agent is not flooded.
		expect(questions).toHaveLength(1);
		expect(changes).toEqual([false]);
		questions[0].answer();
		await vi.advanceTimersByTimeAsync(0);
		expect(changes).toEqual([false, true]);
		heartbeat.stop();
	});

	test('stopping (a reset) forgets a lost agent and drops its question; started again, it asks afresh', async () => {
		const { ask, questions } = agentByHand();
		const changes: boolean[] = [];
		const heartbeat = new AgentHeartbeat(ask, (answering) => changes.push(answering), { everyMs: 1000, lostAfterMs: 2000 });
		heartbeat.start();
		await vi.advanceTimersByTimeAsync(3000);
		expect(changes).toEqual([false]);
		heartbeat.stop();
		expect(changes).toEqual([false, true]);
		questions[0].drop();
		await vi.advanceTimersByTimeAsync(5000);
		expect(questions).toHaveLength(1);
		heartbeat.start();
		await vi.advanceTimersByTimeAsync(1000);
		expect(questions).toHaveLength(2);
		questions[1].answer();
		await vi.advanceTimersByTimeAsync(2500);
		expect(questions).toHaveLength(3);
		expect(changes).toEqual([false, true]);
		heartbeat.stop();
	});

	test('intervals it cannot keep are refused', () => {
		expect(() => new AgentHeartbeat(async () => {}, () => {}, { everyMs: 0, lostAfterMs: 1000 })).toThrow(RangeError);
		expect(() => new AgentHeartbeat(async () => {}, () => {}, { everyMs: 3000, lostAfterMs: 1000 })).toThrow('lostAfterMs >= everyMs');
	});
});
