import { describe, expect, it } from 'vitest';
import { checkpointParts, GradingQueue, pendingInCurrentPart } from '../../labs/engine/auto-grading.ts';
import type { Checkpoint, Segment } from '../../labs/engine/types.ts';

const exec = (id: string): Checkpoint => ({ id, kind: 'exec', node: 'manager', run: 'true', expect: { exit: 0 } });
const question = (id: string): Checkpoint => ({ id, kind: 'question', answer: { node: 'manager', run: 'echo 1' }, match: 'number' });
const segments: Segment[] = [
	{ kind: 'html', html: '<p>intro</p>' },
	{ kind: 'html', html: '<h2 id="a">Create</h2>' },
	{ kind: 'command', node: 'manager', code: 'docker network create' },
	{ kind: 'checkpoint', id: 'created' },
	{ kind: 'checkpoint', id: 'how-many' },
	{ kind: 'html', html: '<h2>Run</h2><p>then</p>' },
	{ kind: 'checkpoint', id: 'running' },
	{ kind: 'checkpoint', id: 'answered' },
	{ kind: 'html', html: '<h3>not a part</h3>' },
	{ kind: 'checkpoint', id: 'peers' },
];
const checkpoints = [exec('created'), question('how-many'), exec('running'), question('answered'), exec('peers')];

describe('the checkpoints a finished command may have made true', () => {
	it('groups checkpoints by the second-level headings of the prose', () => {
		expect(checkpointParts(segments)).toEqual([['created', 'how-many'], ['running', 'answered', 'peers']]);
	});

	it('takes the pending exec and capture checkpoints of the first part not done, never questions', () => {
		const parts = checkpointParts(segments);
		expect(pendingInCurrentPart(parts, checkpoints, () => false).map((c) => c.id)).toEqual(['created']);
		expect(pendingInCurrentPart(parts, checkpoints, (id) => id === 'created').map((c) => c.id)).toEqual(['running', 'peers']);
		expect(pendingInCurrentPart(parts, checkpoints, (id) => id !== 'peers').map((c) => c.id)).toEqual(['peers']);
		expect(pendingInCurrentPart(parts, checkpoints, () => true)).toEqual([]);
	});
});

describe('the grading queue', () => {
	it('runs one round at a time and serves every request made during a round with one more round', async () => {
		let inFlight = 0;
		let most = 0;
		let rounds = 0;
		let release: () => void = () => {};
		const queue = new GradingQueue(async () => {
			rounds++;
			most = Math.max(most, ++inFlight);
			await new Promise<void>((resolve) => (release = resolve));
			inFlight--;
		});
		queue.request();
		queue.request();
		queue.request();
		release();
		await new Promise((resolve) => setTimeout(resolve, 0));
		release();
		await queue.idle();
		expect(rounds).toBe(2);
		expect(most).toBe(1);
	});

	it('widens a captures-only round to every candidate when a command ends meanwhile', async () => {
		const scopes: string[] = [];
		let release: () => void = () => {};
		const queue = new GradingQueue(async (scope) => {
			scopes.push(scope);
			await new Promise<void>((resolve) => (release = resolve));
		});
		queue.request('captures');
		queue.request('captures');
		queue.request('all');
		queue.request('captures');
		release();
		await new Promise((resolve) => setTimeout(resolve, 0));
		release();
		await queue.idle();
		expect(scopes).toEqual(['captures', 'all']);
	});

	it('keeps serving after a round that failed', async () => {
		let rounds = 0;
		const queue = new GradingQueue(async () => {
			rounds++;
			throw new Error('node down');
		});
		queue.request();
		await queue.idle();
		queue.request();
		await queue.idle();
		expect(rounds).toBe(2);
	});
});
