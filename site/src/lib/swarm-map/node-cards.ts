// What the swarm map shows for each node, put together from every node's survey: a manager's view of the members
// (role, state, leader) wins over the node's own, since a node that is down cannot say so itself.
import type { NodeReport } from '$emulator/cluster/swarm-watch.ts';
import type { OverlaySeen, SwarmRole } from '$emulator/cluster/node-survey.ts';

/** `ready`/`down`/`unknown`/`disconnected` as the managers see it; the others from the node itself. */
export type CardState = 'ready' | 'down' | 'unknown' | 'disconnected' | 'outside' | 'pending' | 'locked' | 'error' | 'docker-down' | 'unreachable' | 'waiting';

export interface ServiceTasks {
	service: string;
	tasks: string[];
}

export interface NodeCard {
	name: string;
	state: CardState;
	role?: SwarmRole;
	leader: boolean;
	/** `active` unless the node was drained or paused. */
	availability: string;
	services: ServiceTasks[];
	/** Containers started with `docker run`, not by a service. */
	standalone: string[];
	overlays: OverlaySeen[];
	/** Why the node could not be asked, when it could not. */
	reason?: string;
}

const knownMemberStates = ['ready', 'down', 'unknown', 'disconnected'] as const;

export function nodeCards(names: readonly string[], reports: Readonly<Record<string, NodeReport | undefined>>): NodeCard[] {
	const members = Object.values(reports)
		.map((report) => (report && 'docker' in report && report.docker === 'up' ? report.members : undefined))
		.find((list) => list !== undefined);
	return names.map((name) => {
		const report = reports[name];
		const card: NodeCard = { name, state: 'waiting', leader: false, availability: 'active', services: [], standalone: [], overlays: [] };
		const member = members?.find((entry) => entry.hostname === name);
		if (member) {
			card.role = member.role;
			card.leader = member.leader;
			card.availability = member.availability;
			card.state = (knownMemberStates as readonly string[]).includes(member.state) ? (member.state as CardState) : 'unknown';
		}
		if (!report) return card;
		if ('unreachable' in report) return { ...card, state: member ? card.state : 'unreachable', reason: report.unreachable };
		if (report.docker === 'down') return { ...card, state: member ? card.state : 'docker-down' };
		if (!member) {
			card.role = report.role;
			card.state = report.swarm === 'active' ? 'unknown' : report.swarm === 'inactive' ? 'outside' : report.swarm;
		}
		const byService = new Map<string, string[]>();
		for (const container of report.containers) {
			if (!container.service) {
				card.standalone.push(container.name);
				continue;
			}
			// Task containers are named service.slot.taskid: the slot is what a student compares with `docker service ps`.
			const task = container.name.split('.').slice(0, 2).join('.');
			byService.set(container.service, [...(byService.get(container.service) ?? []), task]);
		}
		card.services = [...byService].map(([service, tasks]) => ({ service, tasks: tasks.sort() })).sort((a, b) => a.service.localeCompare(b.service));
		card.standalone.sort();
		card.overlays = report.overlays;
		return card;
	});
}
