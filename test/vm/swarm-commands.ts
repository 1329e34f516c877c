// Commands on real nodes shared by the cluster tests and the benchmark: no test runner needed to import them.
import type { Node } from '../../emulator/node/node.ts';

/** Runs a command that must succeed and returns its trimmed stdout; a failure carries the node, command and output. */
export async function sh(node: Node, command: string, timeoutMs = 300_000) {
	const result = await node.exec(command, { timeoutMs });
	if (result.exit !== 0) throw new Error(`${node.name}$ ${command}\nexit ${result.exit}\n${result.stdout}${result.stderr}`);
	return result.stdout.trim();
}

export const vniOf = (manager: Node, network: string) =>
	sh(manager, `docker network inspect ${network} -f '{{index .Options "com.docker.network.driver.overlay.vxlanid_list"}}'`).then(Number);

export const ipOf = (node: Node, container: string, network: string) =>
	sh(node, `docker inspect ${container} -f '{{(index .NetworkSettings.Networks "${network}").IPAddress}}'`);

/**
 * `docker swarm join` that waits for the node to be active: the CLI gives up after 20 s and leaves the join
 * running in the background, which happens when three emulators share two host cores. A background join that
 * ends in `error` (its certificate request timed out) is left and tried again.
 */
export const joinCommand = (token: string, managerAddr = '10.0.3.62:2377') => {
	const join = `docker swarm join --token ${token} ${managerAddr}`;
	return `${join} || { for i in $(seq 200); do case "$(docker info -f '{{.Swarm.LocalNodeState}}')" in ` +
		`active) exit 0;; error|inactive) docker swarm leave -f >/dev/null 2>&1; ${join} && exit 0;; esac; sleep 3; done; exit 1; }`;
};

/** Init on the manager, join the workers one after the other, and wait until the manager sees them all Ready. */
export async function formSwarm(manager: Node, workers: Node[]) {
	await sh(manager, 'docker swarm init --advertise-addr 10.0.3.62');
	const token = await sh(manager, 'docker swarm join-token -q worker');
	for (const worker of workers) await sh(worker, joinCommand(token), 600_000);
	const ready = workers.length + 1;
	await sh(manager, `for i in $(seq 300); do [ $(docker node ls --format '{{.Status}}' | grep -c Ready) -eq ${ready} ] && exit 0; sleep 1; done; docker node ls; exit 1`, 600_000);
}

/** A busybox container left running on an attachable overlay. */
export const runOnOverlay = (node: Node, name: string, network: string) =>
	sh(node, `docker run -d --name ${name} --network ${network} busybox sleep 3600`);
