// One three-node cluster for a test file: started before its tests, stopped after them.
import { afterAll, beforeAll } from 'vitest';
import { Cluster, defaultNodes } from '../../emulator/cluster/cluster.ts';
import type { Node } from '../../emulator/node/node.ts';
import { requireImage } from './vm-fixture.ts';

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
