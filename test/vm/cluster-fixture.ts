// Shared by the cluster suites: a command that must succeed, and what the tests read back from Docker.
import { afterAll, beforeAll } from 'vitest';
import { Cluster, defaultNodes } from '../../emulator/cluster/cluster.ts';
import type { Node } from '../../emulator/node/node.ts';
import { requireImage } from './vm-fixture.ts';

export async function sh(node: Node, command: string, timeoutMs = 300_000) {
	const result = await node.exec(command, { timeoutMs });
	if (result.exit !== 0) throw new Error(`${node.name}$ ${command}\nexit ${result.exit}\n${result.stdout}${result.stderr}`);
	return result.stdout.trim();
}

export const vniOf = (manager: Node, network: string) =>
	sh(manager, `docker network inspect ${network} -f '{{index .Options "com.docker.network.driver.overlay.vxlanid_list"}}'`).then(Number);

export const ipOf = (node: Node, container: string, network: string) =>
	sh(node, `docker inspect ${container} -f '{{(index .NetworkSettings.Networks "${network}").IPAddress}}'`);

/** Init on the manager, join both workers (waiting for a join the CLI leaves to finish in the background). */
export async function formSwarm(manager: Node, workers: Node[]) {
	await sh(manager, 'docker swarm init --advertise-addr 10.0.3.62');
	const token = await sh(manager, 'docker swarm join-token -q worker');
	for (const worker of workers) {
		await sh(worker, `docker swarm join --token ${token} 10.0.3.62:2377 || until [ "$(docker info -f '{{.Swarm.LocalNodeState}}')" = active ]; do sleep 2; done`, 600_000);
	}
}

/** One three-node cluster for a test file: started before its tests, stopped after them. */
export function useCluster() {
	const handle = {} as { cluster: Cluster; manager: Node; worker1: Node; worker2: Node };
	beforeAll(async () => {
		handle.cluster = await Cluster.start({ nodes: defaultNodes, files: await requireImage() });
		[handle.manager, handle.worker1, handle.worker2] = defaultNodes.map((n) => handle.cluster.node(n.name));
	});
	afterAll(async () => {
		await handle.cluster?.stop();
	});
	return handle;
}
