// The steps that bring freshly restored nodes to a chapter's start state, shared by the page and lab:verify.
import type { Chapter, ChapterNode, Step } from './types.ts';

const managerName = 'manager';

/** `swarm`: manager initialises, every other node joins as a worker, then we wait until all are Ready. */
export function swarmSteps(nodes: readonly ChapterNode[]): Step[] {
	const manager = nodes.find((node) => node.name === managerName);
	if (!manager) throw new Error(`a swarm start needs a node named ${managerName}`);
	const workers = nodes.filter((node) => node !== manager);
	return [
		{ node: manager.name, run: `docker swarm init --advertise-addr ${manager.ip}`, timeoutMs: 120_000 },
		{ id: 'worker-token', node: manager.name, run: 'docker swarm join-token -q worker', timeoutMs: 60_000 },
		...workers.map((worker) => ({
			node: worker.name,
			run: `docker swarm join --token {{stdout:worker-token}} --advertise-addr ${worker.ip} ${manager.ip}:2377`,
			timeoutMs: 180_000,
		})),
		{
			node: manager.name,
			// A join returns before the manager sees the node Ready; the chapter starts once it does.
			run: `for i in $(seq 90); do [ "$(docker node ls --format '{{.Status}}' | grep -c '^Ready$')" -ge ${nodes.length} ] && exit 0; sleep 2; done; docker node ls; exit 1`,
			timeoutMs: 240_000,
		},
	];
}

export function startSteps(chapter: Pick<Chapter, 'start' | 'nodes' | 'setup'>): Step[] {
	return [...(chapter.start === 'swarm' ? swarmSteps(chapter.nodes) : []), ...chapter.setup];
}
