import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { parseSurvey, surveyScript, waitForChangeScript } from '../../../emulator/cluster/node-survey.ts';
import { SwarmWatch, type NodeReport, type WatchedNode } from '../../../emulator/cluster/swarm-watch.ts';
import type { ExecResult } from '../../../emulator/node/agent-client.ts';

// Recorded from a restored swarm (Docker 26.1.5): an encrypted attachable overlay `secnet`, a service `web` of two
// tasks on the workers and a standalone container `solo` on the manager; long fields (certificates) cut.
const recorded = (name: string) => readFileSync(resolve(import.meta.dirname, 'fixtures', `survey-${name}.txt`), 'utf8');
const result = (stdout: string, ms = 5): ExecResult => ({ exit: 0, stdout, stderr: '', ms });

describe('parseSurvey', () => {
	test('a manager: its role, every member as it sees them, its standalone container, the overlays', () => {
		const { survey, since } = parseSurvey('manager', result(recorded('manager')));
		expect(since).toBe('1795959240.123456789');
		if (survey.docker !== 'up') throw new Error('the engine answered');
		expect(survey).toMatchObject({ swarm: 'active', role: 'manager', nodeId: 'y5h03aqjn8ms4gk2s3nln8kzu' });
		expect(survey.members?.map((member) => [member.hostname, member.role, member.state, member.leader])).toEqual([
			['worker1', 'worker', 'ready', false],
			['manager', 'manager', 'ready', true],
			['worker2', 'worker', 'ready', false],
		]);
		expect(survey.containers).toEqual([expect.objectContaining({ name: 'solo', service: undefined })]);
		expect(survey.overlays.map((overlay) => [overlay.name, overlay.vnis, overlay.subnets, overlay.encrypted, overlay.ingress])).toEqual([
			['ingress', [4096], ['10.0.0.0/24'], false, true],
			['secnet', [4097], ['10.0.1.0/24'], true, false],
		]);
	});

	test('a worker: no member list, its task with its overlay address', () => {
		const { survey } = parseSurvey('worker1', result(recorded('worker1')));
		if (survey.docker !== 'up') throw new Error('the engine answered');
		expect(survey.role).toBe('worker');
		expect(survey.members).toBeUndefined();
		expect(survey.containers).toEqual([{ name: 'web.2.46wzswdmos6l8dv5vpuiycrnr', image: 'nginx:latest', service: 'web', stack: undefined, addresses: { secnet: '10.0.1.4' } }]);
	});

	test('an engine that does not answer is down; one garbled answer loses only itself', () => {
		const silent = ['1795959240.5', ...['info', 'nodes', 'containers/json', 'networks'].flatMap((path) => ['', `@@swarmlab-survey http://docker/${path}`])].join('\n');
		expect(parseSurvey('worker2', result(silent)).survey).toEqual({ node: 'worker2', docker: 'down' });
		const garbled = recorded('worker1').replace(/\{"Name":"ingress".*\n/, '{"Name":"ingr\n');
		const { survey } = parseSurvey('worker1', result(garbled));
		expect(survey).toMatchObject({ docker: 'up', overlays: [] });
	});

	test('a node outside any swarm has no role', () => {
		const outside = recorded('worker1').replace('"LocalNodeState":"active"', '"LocalNodeState":"inactive"');
		expect(parseSurvey('worker1', result(outside)).survey).toMatchObject({ swarm: 'inactive', role: undefined });
	});

	test('the scripts ask the engine socket, and the wait starts where the survey was taken', () => {
		expect(surveyScript).toContain('--unix-socket /var/run/docker.sock');
		expect(waitForChangeScript('1795959240.5', 60)).toContain("--data-urlencode 'since=1795959240.5'");
		expect(waitForChangeScript(undefined, 60)).not.toContain('since=');
	});
});

/** A node whose engine has the recorded state, and whose event waits end when the test says an event happened. */
class FakeNode implements WatchedNode {
	surveys = 0;
	private wake: ((event: string) => void) | undefined;
	constructor(private readonly name: string) {}
	async exec(command: string): Promise<ExecResult> {
		if (command === surveyScript) {
			this.surveys++;
			return result(recorded(this.name === 'manager' ? 'manager' : 'worker1'));
		}
		return result(await new Promise<string>((resolve) => (this.wake = resolve)), 60_000);
	}
	event() {
		this.wake?.('{"Type":"container","Action":"start"}\n');
	}
}

describe('SwarmWatch', () => {
	afterEach(() => vi.useRealTimers());

	test('surveys every node once, then again only after an engine reports a change', async () => {
		vi.useFakeTimers();
		const nodes = new Map(['manager', 'worker1'].map((name) => [name, new FakeNode(name)]));
		const watch = new SwarmWatch(() => nodes, { settleMs: 1000 });
		const reports: NodeReport[] = [];
		let rounds = 0;
		watch.on('report', (report) => reports.push(report));
		watch.on('round', () => rounds++);
		watch.start();
		await vi.advanceTimersByTimeAsync(10);
		expect(rounds).toBe(1);
		expect(reports.map((report) => report.node).sort()).toEqual(['manager', 'worker1']);
		// Quiet engines: nothing more, however long.
		await vi.advanceTimersByTimeAsync(120_000);
		expect(rounds).toBe(1);
		// Two nodes report changes close together: one round for both, after things settle.
		nodes.get('worker1')!.event();
		await vi.advanceTimersByTimeAsync(500);
		nodes.get('manager')!.event();
		await vi.advanceTimersByTimeAsync(400);
		expect(rounds).toBe(1);
		await vi.advanceTimersByTimeAsync(1000);
		expect(rounds).toBe(2);
		expect(nodes.get('worker1')!.surveys).toBe(2);
		watch.stop();
	});

	test('a node that cannot be asked is reported unreachable, and asked again later', async () => {
		vi.useFakeTimers();
		let resetting = true;
		const node: WatchedNode = {
			exec: async (command) => {
				if (resetting) throw new Error('node worker1 is not ready (resetting)');
				return command === surveyScript ? result(recorded('worker1')) : new Promise<ExecResult>(() => {});
			},
		};
		const watch = new SwarmWatch(() => new Map([['worker1', node]]), { settleMs: 100, retryMs: 2000 });
		const reports: NodeReport[] = [];
		watch.on('report', (report) => reports.push(report));
		watch.start();
		await vi.advanceTimersByTimeAsync(10);
		expect(reports).toEqual([{ node: 'worker1', unreachable: 'node worker1 is not ready (resetting)' }]);
		resetting = false;
		await vi.advanceTimersByTimeAsync(2200);
		expect(reports.at(-1)).toMatchObject({ node: 'worker1', docker: 'up', role: 'worker' });
		watch.stop();
	});
});
