import { describe, expect, test } from 'vitest';
import { evaluateCheckpoint, parseNumber, type GraderContext } from '../../labs/engine/grader.ts';
import type { CaptureCheckpoint, CaptureFilter, Checkpoint, ExecResult, QuestionCheckpoint } from '../../labs/engine/types.ts';

interface Frame {
	time: number;
	proto: string;
	vni?: number;
}

/** A grader context over scripted command results and a list of frames; records what the grader asked. */
function fakeContext(results: Record<string, ExecResult | Error>, frames: Frame[] = [], lostUpTo = -Infinity) {
	const asked: { command: string; filter?: CaptureFilter; since?: number }[] = [];
	const ctx: GraderContext = {
		exec: async (node, command) => {
			asked.push({ command: `${node}$ ${command}` });
			const result = results[`${node}$ ${command}`];
			if (result === undefined) throw new Error(`unscripted command ${node}$ ${command}`);
			if (result instanceof Error) throw result;
			return result;
		},
		countFrames: (filter, since) => {
			asked.push({ command: 'count', filter, since });
			return frames.filter((f) => f.time >= since && (!filter.proto || f.proto === filter.proto) && (filter.vni === undefined || f.vni === filter.vni)).length;
		},
		framesLostUpTo: () => lostUpTo,
		chapterStartedAt: 100,
		stepStartedAt: 500,
	};
	return { ctx, asked };
}

const out = (stdout: string, exit = 0): ExecResult => ({ exit, stdout, stderr: '' });
const unreachable = new Error('agent unreachable: worker1 is down');

describe('exec checkpoints', () => {
	const cp = (expect: { exit?: number; stdout?: string; stdoutNot?: string }): Checkpoint => ({ id: 'c', kind: 'exec', node: 'manager', run: 'check', expect });

	test.each([
		['exit matches', { exit: 0 }, out(''), 'passed', 'exec-passed'],
		['exit differs', { exit: 0 }, out('', 1), 'failed', 'exit-mismatch'],
		['stdout matches a line (multiline regex)', { stdout: '^active true$' }, out('warning\nactive true\n'), 'passed', 'exec-passed'],
		['stdout does not match', { stdout: '^active true$' }, out('inactive false\n'), 'failed', 'stdout-mismatch'],
		['forbidden output present', { stdoutNot: '^my-overlay$' }, out('my-overlay-2\nmy-overlay\n'), 'failed', 'stdout-forbidden'],
		['forbidden output absent', { stdoutNot: '^my-overlay$' }, out('my-overlay-2\n'), 'passed', 'exec-passed'],
		['forbidden output absent, but the command failed (a dead dockerd)', { stdoutNot: '^my-overlay$' }, out('', 1), 'failed', 'exit-mismatch'],
		['forbidden output absent, with the exit code the author allows', { stdoutNot: '^my-overlay$', exit: 1 }, out('', 1), 'passed', 'exec-passed'],
		['agent rejects', { exit: 0 }, unreachable, 'unavailable', 'node-unavailable'],
	] as const)('%s → %s', async (_, expectation, result, status, code) => {
		const { ctx } = fakeContext({ 'manager$ check': result });
		const verdict = await evaluateCheckpoint(cp(expectation), ctx);
		expect(verdict.status).toBe(status);
		expect(verdict.detail.code).toBe(code);
	});

	test('an unreachable node is never passed, and the reason is kept', async () => {
		const { ctx } = fakeContext({ 'manager$ check': unreachable });
		expect(await evaluateCheckpoint(cp({ stdoutNot: 'x' }), ctx)).toEqual({
			status: 'unavailable',
			detail: { code: 'node-unavailable', params: { node: 'manager', reason: 'agent unreachable: worker1 is down' } },
		});
	});

	test('names the forbidden line', async () => {
		const { ctx } = fakeContext({ 'manager$ check': out('a\nmy-overlay\n') });
		const verdict = await evaluateCheckpoint(cp({ stdoutNot: '^my-overlay$' }), ctx);
		expect(verdict.detail.params.line).toBe('my-overlay');
	});
});

describe('capture checkpoints', () => {
	const frames: Frame[] = [
		{ time: 50, proto: 'tcp' },
		{ time: 200, proto: 'tcp' },
		{ time: 300, proto: 'tcp' },
		{ time: 600, proto: 'tcp' },
		{ time: 700, proto: 'vxlan', vni: 4097 },
	];
	const cp = (fields: Partial<CaptureCheckpoint>): CaptureCheckpoint => ({ id: 'c', kind: 'capture', filter: { proto: 'tcp' }, min: 1, none: false, since: 'chapter', ...fields });

	test.each([
		['since the chapter started', { min: 3 }, 'passed', 'frames-seen', 3],
		['since the step started', { min: 3, since: 'step' as const }, 'failed', 'frames-missing', 1],
		['none, with frames', { none: true, evidence: { proto: 'vxlan' as const } }, 'failed', 'frames-forbidden', 3],
		['none, the traffic in question seen', { none: true, filter: { proto: 'esp' as const }, evidence: { proto: 'tcp' as const } }, 'passed', 'no-frames', undefined],
		// Workers unplugged: nothing crossed the wire at all, which proves nothing.
		['none, on a silent wire', { none: true, filter: { proto: 'vxlan' as const, vni: 9 }, evidence: { proto: 'esp' as const } }, 'failed', 'no-evidence', undefined],
		['a fixed VNI', { filter: { proto: 'vxlan' as const, vni: 4097 } }, 'passed', 'frames-seen', 1],
	])('%s', async (_, fields, status, code, count) => {
		const { ctx } = fakeContext({}, frames);
		const verdict = await evaluateCheckpoint(cp(fields), ctx);
		expect([verdict.status, verdict.detail.code, verdict.detail.params.count]).toEqual([status, code, count]);
	});

	test('passes the window start to the capture', async () => {
		const { ctx, asked } = fakeContext({}, frames);
		await evaluateCheckpoint(cp({ since: 'step' }), ctx);
		await evaluateCheckpoint(cp({}), ctx);
		expect(asked.map((a) => a.since)).toEqual([500, 100]);
	});

	const live = cp({ filter: { proto: 'vxlan', vni: { node: 'manager', run: 'vni-of test-net' } } });
	test.each([
		['read live and used in the query', out('4097\n'), 'passed', 'frames-seen'],
		['another VNI: no frame', out('4098'), 'failed', 'frames-missing'],
		['the network does not exist yet', out('', 1), 'failed', 'vni-unreadable'],
		['the node does not answer', unreachable, 'unavailable', 'node-unavailable'],
	] as const)('a live VNI %s', async (_, result, status, code) => {
		const { ctx } = fakeContext({ 'manager$ vni-of test-net': result }, frames);
		const verdict = await evaluateCheckpoint(live, ctx);
		expect([verdict.status, verdict.detail.code]).toEqual([status, code]);
	});

	test('a window that starts before frames were dropped from the capture cannot be evaluated, pass or none', async () => {
		for (const fields of [{ min: 1 }, { none: true, evidence: { proto: 'tcp' as const } }]) {
			const { ctx } = fakeContext({}, frames, 150);
			const verdict = await evaluateCheckpoint(cp(fields), ctx);
			expect([verdict.status, verdict.detail.code]).toEqual(['unavailable', 'capture-window-lost']);
			// The step's window (from 500) is still whole.
			expect((await evaluateCheckpoint(cp({ ...fields, since: 'step' }), ctx)).status).not.toBe('unavailable');
		}
	});

	test('a capture that cannot be read is unavailable', async () => {
		const { ctx } = fakeContext({});
		ctx.countFrames = () => {
			throw new Error('capture ring not ready');
		};
		const verdict = await evaluateCheckpoint(cp({}), ctx);
		expect(verdict).toEqual({ status: 'unavailable', detail: { code: 'capture-unavailable', params: { reason: 'capture ring not ready' } } });
	});
});

describe('wait checkpoints', () => {
	const cp: Checkpoint = { id: 'w', kind: 'wait', node: 'manager', until: { service: 'web', replicas: 3 } };
	const command = "docker service ls --filter name='web' --format '{{.Name}} {{.Replicas}}'";
	test.each([
		['the condition holds', out('web 3/3\n'), 'passed', 'exec-passed'],
		['not yet', out('web 1/3\n'), 'failed', 'stdout-mismatch'],
		['the command failed', out('web 3/3\n', 1), 'failed', 'stdout-mismatch'],
		['the node does not answer', unreachable, 'unavailable', 'node-unavailable'],
	] as const)('%s → %s', async (_, result, status, code) => {
		const { ctx, asked } = fakeContext({ [`manager$ ${command}`]: result });
		const verdict = await evaluateCheckpoint(cp, ctx);
		expect([verdict.status, verdict.detail.code]).toEqual([status, code]);
		expect(asked).toEqual([{ command: `manager$ ${command}` }]);
	});
});

describe('questions', () => {
	const cp = (match: QuestionCheckpoint['match']): QuestionCheckpoint => ({ id: 'q', kind: 'question', answer: { node: 'manager', run: 'answer' }, match });

	test.each([
		['exact', 'true', 'True', 'passed', 'answer-correct'],
		['exact', 'true', 'false', 'failed', 'answer-wrong'],
		['exact', '10.0.1.2', ' 10.0.1.2 ', 'passed', 'answer-correct'],
		['number', '4097', ' 4 097 ', 'passed', 'answer-correct'],
		['number', '4097', '4098', 'failed', 'answer-wrong'],
		['number', '2', '2.0', 'passed', 'answer-correct'],
		['number', '1.5', '1,5', 'passed', 'answer-correct'],
		['number', '3', '3 nodes', 'failed', 'answer-not-number'],
		['number', 'not a number', '3', 'failed', 'answer-not-computable'],
		['regex', '10\\.0\\.1\\.0(/24)?', '10.0.1.0/24', 'passed', 'answer-correct'],
		['regex', '10\\.0\\.1\\.0(/24)?', '10.0.1.0/16', 'failed', 'answer-wrong'],
	] as const)('%s: expected %j, answered %j → %s', async (match, expected, answer, status, code) => {
		const { ctx } = fakeContext({ 'manager$ answer': out(`${expected}\n`) });
		const verdict = await evaluateCheckpoint(cp(match), ctx, answer);
		expect([verdict.status, verdict.detail.code]).toEqual([status, code]);
	});

	test('without an answer: failed, "no answer yet", and no command runs', async () => {
		const { ctx, asked } = fakeContext({});
		expect(await evaluateCheckpoint(cp('exact'), ctx)).toEqual({ status: 'failed', detail: { code: 'no-answer', params: {} } });
		expect(await evaluateCheckpoint(cp('exact'), ctx, '  ')).toMatchObject({ status: 'failed' });
		expect(asked).toEqual([]);
	});

	test.each([
		['the answer command fails', out('', 1), 'failed', 'answer-not-computable'],
		['the answer command prints nothing', out('\n'), 'failed', 'answer-not-computable'],
		['the node does not answer', unreachable, 'unavailable', 'node-unavailable'],
	] as const)('%s → %s', async (_, result, status, code) => {
		const { ctx } = fakeContext({ 'manager$ answer': result });
		const verdict = await evaluateCheckpoint(cp('exact'), ctx, '4097');
		expect([verdict.status, verdict.detail.code]).toEqual([status, code]);
	});
});

test.each([
	['42', 42],
	[' 4 097 ', 4097],
	['1,5', 1.5],
	['-3', -3],
	['', NaN],
	['3 nodes', NaN],
	['0x10', NaN],
])('parseNumber(%j) = %d', (text, value) => {
	expect(parseNumber(text)).toBe(value);
});
