import { describe, expect, it } from 'vitest';
import { runStep, StepError } from '../../labs/engine/steps.ts';
import type { ExecResult } from '../../labs/engine/types.ts';
import { probeOf, waitFor, type WaitCondition } from '../../labs/engine/wait.ts';

const out = (stdout: string, exit = 0): ExecResult => ({ exit, stdout, stderr: '' });
const holds = (condition: WaitCondition, result: ExecResult) => probeOf(condition).holds(result);

describe('wait conditions', () => {
	it.each([
		[{ service: 'web', replicas: 3 }, 'web 3/3 (max 1 per node)\nweb-2 0/1', true],
		[{ service: 'web', replicas: 3 }, 'web 2/3', false],
		[{ service: 'web', replicas: 3 }, 'web-2 3/3', false],
		[{ service: 'web' }, 'web 2/2', true],
		[{ service: 'web' }, 'web 0/0', false],
		[{ network: 'my-overlay' }, 'bridge\nmy-overlay-2\nmy-overlay', true],
		[{ network: 'my-overlay', absent: true }, 'bridge\nmy-overlay-2', true],
		[{ network: 'my-overlay', absent: true }, 'my-overlay', false],
		[{ container: 'c1' }, 'c1', true],
		[{ container: 'c1' }, '', false],
		[{ nodesReady: 3 }, 'manager Ready\nworker1 Ready\nworker2 Down', false],
		[{ nodesReady: 2 }, 'manager Ready\nworker1 Ready\nworker2 Down', true],
		[{ run: 'count', stdout: '^6$' }, '6', true],
		[{ run: 'count', stdout: '^6$' }, '5', false],
		[{ run: 'docker network rm x' }, 'x', true],
	] as const)('%j on %j: %s', (condition, stdout, expected) => {
		expect(holds(condition, out(stdout))).toBe(expected);
	});

	it('never holds on a command that failed, whatever it printed', () => {
		expect(holds({ run: 'docker network rm x' }, out('', 1))).toBe(false);
		expect(holds({ service: 'web' }, out('web 3/3', 1))).toBe(false);
	});
});

describe('waiting', () => {
	it('asks again until the condition holds', async () => {
		const answers = [out('web 1/3'), out('web 2/3'), out('web 3/3')];
		const result = await waitFor('manager', probeOf({ service: 'web', replicas: 3 }), async () => answers.shift()!, 5000, 1);
		expect(result.stdout).toBe('web 3/3');
		expect(answers).toEqual([]);
	});

	it('fails after its time with what it last saw, as a step error', async () => {
		const step = { node: 'manager', run: probeOf({ service: 'web', replicas: 3 }).command, wait: { service: 'web', replicas: 3 }, timeoutMs: 50 };
		const env = { exec: async () => out('web 2/3 (max 1 per node)'), fault: () => {} };
		const error = await runStep(step, env, new Map()).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(StepError);
		expect((error as Error).message).toMatch(/^manager\$ docker service ls .*: not true after 0 s; last seen: exit 0: web 2\/3 \(max 1 per node\)$/);
	});

	it('a node that does not answer is asked again, and named in the failure', async () => {
		const error = await waitFor('worker1', probeOf({ container: 'c2' }), async () => Promise.reject(new Error('agent unreachable')), 30, 1).catch((e: unknown) => e);
		expect((error as Error).message).toContain('last seen: no answer (agent unreachable)');
	});
});
