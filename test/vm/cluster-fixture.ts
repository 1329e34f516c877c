// One three-node cluster for a test file, restored in a saved start state before its tests, stopped after them.
import { afterAll, beforeAll } from 'vitest';
import { Cluster, defaultNodes } from '../../emulator/cluster/cluster.ts';
import type { Node } from '../../emulator/node/node.ts';
import type { StartState } from '../../emulator/node/saved-states.ts';
import { requireImage } from './vm-fixture.ts';

export function useCluster(start: StartState = 'fresh', clock?: () => number) {
	const handle = {} as { cluster: Cluster; manager: Node; worker1: Node; worker2: Node };
	beforeAll(async () => {
		handle.cluster = await Cluster.restore({ nodes: defaultNodes, files: await requireImage(), start, clock });
		[handle.manager, handle.worker1, handle.worker2] = defaultNodes.map((n) => handle.cluster.node(n.name));
	});
	afterAll(async () => {
		await handle.cluster?.stop();
	});
	return handle;
}
