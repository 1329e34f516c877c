// The steps that bring freshly restored nodes to a chapter's start state, shared by the page and lab:verify.
import type { Chapter, ChapterNode, Step } from './types.ts';

const managerName = 'manager';

/** `swarm`: manager initialises, every other node joins as a worker, then we wait until all are Ready. */
export function swarmSteps(nodes: readonly ChapterNode[]): Step[] {
	const manager = nodes.find((node) => node.name === managerName);
	if (!manager) throw new Error(`a swarm start needs a node named ${managerName}`);
	const workers = nodes.filter((node) => node !== manager);
	return [
		{ node: manager.name, run: `docker swarm init --advertise-addr ${manager.ip}`, timeoutMs: 300_000 },
		{ id: 'worker-token', node: manager.name, run: 'docker swarm join-token -q worker', timeoutMs: 120_000 },
		...workers.map((worker) => ({
			node: worker.name,
			// On a slow machine the CLI may stop waiting while the join goes on in the background: wait for it.
			run: `docker swarm join --token {{stdout:worker-token}} --advertise-addr ${worker.ip} ${manager.ip}:2377 || until [ "$(docker info -f '{{.Swarm.LocalNodeState}}')" = active ]; do sleep 2; done`,
			timeoutMs: 600_000,
		})),
		{
			node: manager.name,
			// A join returns before the manager sees the node Ready; the chapter starts once it does.
			run: `for i in $(seq 300); do [ "$(docker node ls --format '{{.Status}}' | grep -c '^Ready$')" -ge ${nodes.length} ] && exit 0; sleep 2; done; docker node ls; exit 1`,
			timeoutMs: 660_000,
		},
	];
}

export function startSteps(chapter: Pick<Chapter, 'start' | 'nodes' | 'setup'>): Step[] {
	return [...(chapter.start === 'swarm' ? swarmSteps(chapter.nodes) : []), ...chapter.setup];
}
