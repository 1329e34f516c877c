import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadChapter } from '../../labs/engine/chapter-loader.server.ts';
import { graderContext } from '../../labs/engine/cluster-context.ts';
import { evaluateCheckpoint } from '../../labs/engine/grader.ts';
import type { Chapter, Checkpoint, SolutionItem } from '../../labs/engine/types.ts';
import { formatReports, reportPassed, verifyChapter, wrongAnswer } from '../../labs/engine/verify-chapter.ts';
import { fail, FakeCluster, ok } from './fake-cluster.ts';

const sample = loadChapter(resolve(import.meta.dirname, 'fixtures/valid/01-sample'));

/** Fake time for the settle loop: sleeping moves the clock. */
function fakeTime() {
	const time = { now: 0, sleeps: 0 };
	return { time, options: { clock: () => time.now, sleep: async (ms: number) => void ((time.now += ms), time.sleeps++) } };
}

/** The sample chapter's machines: Docker always runs, and a ping from worker1 puts ICMP frames on the wire. */
function sampleCluster() {
	return new FakeCluster({
		manager: (command) => (command.startsWith('docker info') ? ok('20.10.24\n') : fail()),
		worker1: (command, cluster) => {
			if (command === 'ping -c 1 10.0.3.62') {
				cluster.send({ from: 'worker1', to: 'manager', proto: 'icmp' });
				cluster.send({ from: 'manager', to: 'worker1', proto: 'icmp' });
				return ok('1 packets received');
			}
			if (command.startsWith('docker version')) return ok('20.10.24\n');
			return fail();
		},
	});
}

describe('verifyChapter', () => {
	test('flags a checkpoint that already passes in the start state as vacuous', async () => {
		const report = await verifyChapter(sample, sampleCluster(), { settleMs: 0 });
		expect(report.rows.map((row) => [row.id, row.before, row.after, row.problems.length])).toEqual([
			['docker-runs', 'passed', 'passed', 1],
			['pinged', 'failed', 'passed', 0],
			['version', 'failed', 'passed', 0],
		]);
		expect(report.rows[0].problems[0]).toMatch(/^passes before the solution, so it proves nothing/);
		expect(reportPassed(report)).toBe(false);
	});

	test('answers questions with a wrong answer before and the computed one after', async () => {
		const cluster = sampleCluster();
		const question = sample.checkpoints[2];
		const report = await verifyChapter(sample, cluster, { settleMs: 0 });
		expect(report.rows[2]).toMatchObject({ id: 'version', before: 'failed', after: 'passed' });
		// Once before (the grader, given a wrong answer), twice after (lab:verify computes the answer, the grader checks it).
		expect(cluster.commands.filter((c) => c.startsWith('worker1$ docker version'))).toHaveLength(3);
		expect((await evaluateCheckpoint(question, graderContext(cluster), wrongAnswer)).detail.code).toBe('answer-wrong');
	});

	/** A chapter built in code, with the texts and placements the loader would have required. */
	const swarmChapter = (checkpoints: Checkpoint[], solution: SolutionItem[]): Chapter => {
		const text = {
			title: 'Test',
			summary: 'Test',
			segments: checkpoints.map(({ id }) => ({ kind: 'checkpoint' as const, id })),
			checkpoints: Object.fromEntries(checkpoints.map(({ id }) => [id, { title: id, hintHtml: id }])),
		};
		return { ...sample, folder: '09-test', start: 'swarm', checkpoints, solution, text: { en: text, fr: text } };
	};

	/** A manager whose swarm state flips when the solution runs `make-it-so`. */
	function statefulCluster() {
		let done = false;
		const cluster = new FakeCluster({
			manager: (command) => {
				if (command === 'make-it-so') return (done = true), ok();
				if (command === 'state') return ok(done ? 'done\n' : 'not yet\n');
				return ok();
			},
			worker1: () => ok(),
		});
		return cluster;
	}
	const stateCheck: Checkpoint = { id: 'state', kind: 'exec', node: 'manager', run: 'state', expect: { stdout: '^done$' } };

	test('runs the setup on the restored start state, then checks before and after the solution', async () => {
		const cluster = statefulCluster();
		const chapter = { ...swarmChapter([stateCheck], [{ node: 'manager', run: 'make-it-so' }]), setup: [{ node: 'manager', run: 'prepare' }] };
		const report = await verifyChapter(chapter, cluster, { settleMs: 0 });
		// The swarm itself comes restored with the cluster: lab:verify forms nothing.
		expect(cluster.commands).toEqual(['manager$ prepare', 'manager$ state', 'manager$ make-it-so', 'manager$ state']);
		expect(reportPassed(report)).toBe(true);
		expect(report.rows[0]).toMatchObject({ before: 'failed', after: 'passed' });
	});

	test('a checkpoint without texts or placement in a language is reported', async () => {
		const chapter = swarmChapter([stateCheck], [{ node: 'manager', run: 'make-it-so' }]);
		chapter.text.fr = { ...chapter.text.fr, segments: [], checkpoints: {} };
		const report = await verifyChapter(chapter, statefulCluster(), { settleMs: 0 });
		expect(report.rows[0].problems).toEqual(['no fr title or hint', 'not placed in fr.md']);
	});

	test("a failing solution step stops the chapter with its message and what the node's kernel and dockerd said last", async () => {
		const manager = (c: string) => (c === 'no-such-command' ? fail('bash: no-such-command: command not found', 127) : c.startsWith('dmesg') ? ok('Out of memory: Killed process 212 (dockerd)') : ok());
		const report = await verifyChapter(swarmChapter([stateCheck], [{ node: 'manager', run: 'no-such-command' }]), new FakeCluster({ manager, worker1: () => ok() }), { settleMs: 0 });
		expect(report.problems).toHaveLength(1);
		expect(report.problems[0]).toMatch(/^solution step 1: manager\$ no-such-command: exit 127: bash: no-such-command: command not found\n/);
		expect(report.problems[0]).toMatch(/manager: last kernel messages, then dockerd's log:\n {4}Out of memory: Killed process 212 \(dockerd\)/);
		expect(report.rows[0].after).toBe('not run');
	});

	test('a node that cannot answer is a problem, never a pass', async () => {
		const checkpoint: Checkpoint = { id: 'far', kind: 'exec', node: 'worker2', run: 'true', expect: { exit: 0 } };
		const report = await verifyChapter(swarmChapter([checkpoint], [{ node: 'manager', run: 'make-it-so' }]), statefulCluster(), { settleMs: 0 });
		expect(report.rows[0]).toMatchObject({ before: 'unavailable', after: 'unavailable' });
		expect(report.rows[0].problems[0]).toMatch(/^cannot be evaluated in the start state .*no node named "worker2"/);
	});

	test('waits for a slow convergence, within settleMs', async () => {
		let polls = 0;
		const cluster = new FakeCluster({
			manager: (command) => (command === 'state' ? ok(++polls >= 4 ? 'done' : 'starting') : ok('SWMTKN')),
			worker1: () => ok(),
		});
		const { time, options } = fakeTime();
		const report = await verifyChapter(swarmChapter([stateCheck], [{ node: 'manager', run: 'go' }]), cluster, { ...options, settleMs: 60_000, pollMs: 5_000 });
		expect(report.rows[0].after).toBe('passed');
		expect(time.sleeps).toBe(2);
	});

	test('gives up after settleMs', async () => {
		const cluster = new FakeCluster({ manager: (command) => ok(command === 'state' ? 'starting' : 'SWMTKN'), worker1: () => ok() });
		const { time, options } = fakeTime();
		const report = await verifyChapter(swarmChapter([stateCheck], [{ node: 'manager', run: 'go' }]), cluster, { ...options, settleMs: 20_000, pollMs: 5_000 });
		expect(report.rows[0].after).toBe('failed');
		expect(time.now).toBe(20_000);
		expect(report.rows[0].problems[0]).toContain('Output: "starting"');
	});

	test('a capture checked with since: step only counts frames after the previous check', async () => {
		const seenEarly: Checkpoint = { id: 'early', kind: 'capture', filter: { proto: 'icmp' }, min: 1, none: false, since: 'chapter' };
		const seenLate: Checkpoint = { id: 'late', kind: 'capture', filter: { proto: 'icmp' }, min: 1, none: false, since: 'step' };
		const ping = (): SolutionItem => ({ node: 'worker1', run: 'ping' });
		const pinger = new FakeCluster({
			manager: (command) => (command === 'docker swarm join-token -q worker' ? ok('T') : ok()),
			worker1: (command, self) => (command === 'ping' && self.send({ from: 'worker1', to: 'manager', proto: 'icmp' }), ok()),
		});
		const report = await verifyChapter(swarmChapter([seenEarly, seenLate], [ping(), { check: 'early' }, { check: 'late' }]), pinger, { settleMs: 0 });
		expect(report.rows.map((row) => row.after)).toEqual(['passed', 'failed']);
		const sinceOfLate = pinger.filters.at(-1)!.since!;
		expect(sinceOfLate).toBeGreaterThan(pinger.frames[0].time);
	});
});

describe('the grader context over a cluster', () => {
	test('hands the window start to the capture as `since`', () => {
		const cluster = sampleCluster();
		const ctx = graderContext(cluster, 1234);
		ctx.countFrames({ proto: 'icmp', between: ['manager', 'worker1'] }, 1500);
		expect(cluster.filters).toEqual([{ proto: 'icmp', between: ['manager', 'worker1'], since: 1500 }]);
		expect([ctx.chapterStartedAt, ctx.stepStartedAt]).toEqual([1234, 1234]);
	});

	test('an unknown node rejects, so the grader says unavailable', async () => {
		const ctx = graderContext(sampleCluster());
		await expect(ctx.exec('worker9', 'true')).rejects.toThrow(/no node named "worker9"/);
	});
});

test('formatReports prints one row per checkpoint and every problem', async () => {
	const report = await verifyChapter(sample, sampleCluster(), { settleMs: 0 });
	const text = formatReports([report, { folder: '02-broken', rows: [], problems: ['the cluster failed: no image'] }]);
	const lines = text.split('\n');
	expect(lines[0]).toMatch(/^chapter\s+checkpoint\s+kind\s+before\s+after$/);
	expect(lines[2]).toMatch(/^01-sample\s+docker-runs\s+exec\s+passed\s+passed\s+FAIL$/);
	expect(lines[3]).toMatch(/^01-sample\s+pinged\s+capture\s+failed\s+passed\s+ok$/);
	expect(text).toContain('2 problem(s):');
	expect(text).toContain('  ✗ 02-broken: the cluster failed: no image');
	expect(text).toContain('  ✗ 01-sample / docker-runs: passes before the solution');
});
