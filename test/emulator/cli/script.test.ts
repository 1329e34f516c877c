import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseScript, ScriptError, substitute } from '../../../emulator/cli/script.ts';

const nodes = ['manager', 'worker1', 'worker2'];

describe('instructor scripts', () => {
	test('commands, comments and blank lines', () => {
		const steps = parseScript('# form the swarm\n\nmanager$ docker swarm init --advertise-addr 10.0.3.62\nmanager$ docker swarm join-token -q worker\nworker1$ docker swarm join --token {{2}} 10.0.3.62:2377\n', 's.txt', nodes);
		expect(steps).toEqual([
			{ line: 3, node: 'manager', command: 'docker swarm init --advertise-addr 10.0.3.62' },
			{ line: 4, node: 'manager', command: 'docker swarm join-token -q worker' },
			{ line: 5, node: 'worker1', command: 'docker swarm join --token {{2}} 10.0.3.62:2377' },
		]);
	});

	test('{{N}} takes the trimmed output of command N; Go templates pass through', () => {
		expect(substitute("join {{2}} && docker node ls --format '{{.Hostname}}'", ['x\n', ' SWMTKN-1-abc \n'])).toBe(
			"join SWMTKN-1-abc && docker node ls --format '{{.Hostname}}'",
		);
	});

	test.each([
		['a line that is not a command', 'manager$ true\nthis is not valid', 's.txt:2: expected "<node>$ <command>"'],
		['an unknown node', 'manager$ true\nworker9$ hostname', 's.txt:2: unknown node "worker9"'],
		['a reference to a later command', 'manager$ echo {{2}}\nmanager$ true', 's.txt:1: {{2}} refers to command 2'],
		['a reference to command 0', 'manager$ echo {{0}}', 's.txt:1: {{0}} refers to command 0'],
	])('%s is an error with file and line', (_, text, message) => {
		expect(() => parseScript(text, 's.txt', nodes)).toThrow(ScriptError);
		expect(() => parseScript(text, 's.txt', nodes)).toThrow(message);
	});
});

describe('the swarmlab CLI refuses a bad script before starting any machine', () => {
	const root = resolve(import.meta.dirname, '../../..');
	const runCli = (script: string, ...args: string[]) => {
		const file = join(mkdtempSync(join(tmpdir(), 'swarmlab-cli-')), 'script.txt');
		writeFileSync(file, script);
		return spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'emulator/cli/swarmlab.ts'), 'exec', '--script', file, ...args], { encoding: 'utf8' });
	};

	test.each([
		['syntax error', 'manager$ true\nmanager docker ps', /script\.txt:2: expected "<node>\$ <command>"/],
		['unknown node', 'worker2$ hostname', /script\.txt:1: unknown node "worker2" \(this cluster has: manager, worker1\)/],
	])('%s', (_, script, message) => {
		const result = runCli(script, '--nodes', '2');
		expect(result.status).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(message);
	});

	test('a node count out of range', () => {
		const result = runCli('manager$ true', '--nodes', '7');
		expect(result.status).toBe(2);
		expect(result.stderr).toMatch(/--nodes takes 1 to 5/);
	});

	test.each(['abc', '0', '2.5'])('a timeout that is not a whole number of milliseconds: %s', (timeout) => {
		const result = runCli('manager$ true', '--timeout-ms', timeout);
		expect(result.status).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(new RegExp(`--timeout-ms takes a whole number of milliseconds, not "${timeout}"`));
	});
});
