import { describe, expect, test } from 'vitest';
import { outputReferences, runSteps, StepError, substituteOutputs } from '../../labs/engine/steps.ts';
import type { Exec, ExecResult, FaultSpec } from '../../labs/engine/types.ts';

const nodes = [
	{ name: 'manager', ip: '10.0.3.62' },
	{ name: 'worker1', ip: '10.0.3.63' },
	{ name: 'worker2', ip: '10.0.3.64' },
];

describe('output references', () => {
	test.each([
		['docker swarm join --token {{stdout:token}} 10.0.3.62:2377', ['token']],
		["docker info --format '{{.Swarm.NodeID}}'", []],
		['{{ stdout:a }} and {{stdout:b-2}}', ['a', 'b-2']],
	])('%s', (command, references) => {
		expect(outputReferences(command)).toEqual(references);
	});

	test('leave Docker templates alone', () => {
		const outputs = new Map([['token', 'SWMTKN-1-abc']]);
		expect(substituteOutputs("docker swarm join --token {{stdout:token}} m && docker info -f '{{json .Swarm}}'", outputs)).toBe(
			"docker swarm join --token SWMTKN-1-abc m && docker info -f '{{json .Swarm}}'",
		);
	});
});

describe('running steps', () => {
	/** Steps' environment that records what they did: commands run, and faults applied (or refused by `refuse`). */
	function recorder(results: Record<string, ExecResult | Error> = {}, refuse?: string) {
		const ran: string[] = [];
		const exec: Exec = async (node, command) => {
			ran.push(`${node}$ ${command}`);
			const result = results[`${node}$ ${command}`] ?? { exit: 0, stdout: '', stderr: '' };
			if (result instanceof Error) throw result;
			return result;
		};
		const fault = (spec: FaultSpec) => {
			if (spec.kind === refuse) throw new Error('no port "worker9" on the switch');
			ran.push(`fault ${spec.kind}`);
		};
		return { exec, ran, env: { exec, fault } };
	}

	test('passes the trimmed output of a named step to later ones', async () => {
		const { env, ran } = recorder({ 'manager$ docker swarm join-token -q worker': { exit: 0, stdout: 'SWMTKN-1-xyz\n', stderr: '' } });
		const outputs = await runSteps(
			[
				{ id: 'token', node: 'manager', run: 'docker swarm join-token -q worker' },
				{ node: 'worker1', run: 'docker swarm join --token {{stdout:token}} 10.0.3.62:2377' },
			],
			env,
		);
		expect(ran[1]).toBe('worker1$ docker swarm join --token SWMTKN-1-xyz 10.0.3.62:2377');
		expect(outputs.get('token')).toBe('SWMTKN-1-xyz');
	});

	test.each([
		['a non-zero exit', { exit: 1, stdout: '', stderr: 'Error: This node is already part of a swarm.' }, /exit 1: Error: This node is already part of a swarm/],
		['an unreachable node', new Error('timeout'), /did not answer \(timeout\)/],
	])('stops at %s', async (_, result, message) => {
		const { env, ran } = recorder({ 'manager$ first': result });
		await expect(runSteps([{ node: 'manager', run: 'first' }, { node: 'manager', run: 'second' }], env)).rejects.toThrow(message);
		expect(ran).toEqual(['manager$ first']);
	});

	test('a reference to an output nobody produced is a StepError', async () => {
		const { env } = recorder();
		await expect(runSteps([{ node: 'manager', run: 'echo {{stdout:nope}}' }], env)).rejects.toBeInstanceOf(StepError);
	});

	test('a fault step changes the switch in its turn, between commands', async () => {
		const { env, ran } = recorder();
		await runSteps([{ node: 'manager', run: 'first' }, { fault: { kind: 'drop', proto: 'udp', port: 4789 } }, { node: 'worker1', run: 'second' }, { fault: { kind: 'heal' } }], env);
		expect(ran).toEqual(['manager$ first', 'fault drop', 'worker1$ second', 'fault heal']);
	});

	test('a fault the switch refuses stops the steps with a StepError that says which', async () => {
		const { env, ran } = recorder({}, 'unplug');
		const error = await runSteps([{ fault: { kind: 'unplug', node: 'worker9' } }, { node: 'manager', run: 'after' }], env).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(StepError);
		expect((error as Error).message).toBe('fault unplug: no port "worker9" on the switch');
		expect(ran).toEqual([]);
	});
});
