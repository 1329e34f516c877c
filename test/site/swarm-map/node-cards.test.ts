import { describe, expect, test } from 'vitest';
import type { NodeSurvey, SwarmMember } from '../../../emulator/cluster/node-survey.ts';
import { nodeCards } from '../../../site/src/lib/swarm-map/node-cards.ts';

const member = (hostname: string, role: 'manager' | 'worker', state = 'ready', leader = false): SwarmMember => ({ hostname, role, state, availability: 'active', leader, addr: '' });
const survey = (node: string, extra: Partial<Extract<NodeSurvey, { docker: 'up' }>> = {}): NodeSurvey => ({ node, docker: 'up', swarm: 'active', role: 'worker', containers: [], overlays: [], ...extra });
const names = ['manager', 'worker1', 'worker2'];

describe('nodeCards', () => {
	test('the manager’s view of the members decides role, leader and state, even for a node that cannot answer', () => {
		const cards = nodeCards(names, {
			manager: survey('manager', { role: 'manager', members: [member('manager', 'manager', 'ready', true), member('worker1', 'worker'), member('worker2', 'worker', 'down')] }),
			worker1: survey('worker1'),
			worker2: { node: 'worker2', unreachable: 'node worker2 is not ready (resetting)' },
		});
		expect(cards.map((card) => [card.name, card.role, card.leader, card.state])).toEqual([
			['manager', 'manager', true, 'ready'],
			['worker1', 'worker', false, 'ready'],
			['worker2', 'worker', false, 'down'],
		]);
		expect(cards[2].reason).toBe('node worker2 is not ready (resetting)');
	});

	test('without a manager’s view, each node says what it knows of itself', () => {
		const cards = nodeCards(names, { manager: survey('manager', { swarm: 'inactive', role: undefined }), worker1: { node: 'worker1', docker: 'down' } });
		expect(cards.map((card) => card.state)).toEqual(['outside', 'docker-down', 'waiting']);
	});

	test('tasks are grouped by service and named by slot; standalone containers apart', () => {
		const [card] = nodeCards(['worker1'], {
			worker1: survey('worker1', {
				containers: [
					{ name: 'web.3.abc', image: 'nginx', service: 'web', addresses: {} },
					{ name: 'api.1.def', image: 'nginx', service: 'api', addresses: {} },
					{ name: 'web.1.ghi', image: 'nginx', service: 'web', addresses: {} },
					{ name: 'probe', image: 'busybox', addresses: {} },
				],
			}),
		});
		expect(card.services).toEqual([
			{ service: 'api', tasks: ['api.1'] },
			{ service: 'web', tasks: ['web.1', 'web.3'] },
		]);
		expect(card.standalone).toEqual(['probe']);
	});
});
