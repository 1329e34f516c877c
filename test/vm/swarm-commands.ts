// Commands on real nodes shared by the cluster tests and the benchmark: no test runner needed to import them.
import { sh } from '../../emulator/cluster/swarm.ts';
import type { Node } from '../../emulator/node/node.ts';

export { formSwarm, sh } from '../../emulator/cluster/swarm.ts';

export const vniOf = (manager: Node, network: string) =>
	sh(manager, `docker network inspect ${network} -f '{{index .Options "com.docker.network.driver.overlay.vxlanid_list"}}'`).then(Number);

export const ipOf = (node: Node, container: string, network: string) =>
	sh(node, `docker inspect ${container} -f '{{(index .NetworkSettings.Networks "${network}").IPAddress}}'`);

/** A busybox container left running on an attachable overlay. */
export const runOnOverlay = (node: Node, name: string, network: string) =>
	sh(node, `docker run -d --name ${name} --network ${network} busybox sleep 3600`);
