// The one procedure that forms a swarm: the image build bakes its result into the `swarm` start state, the machine
// tests and the benchmark time it.

export interface SwarmNode {
	name: string;
	ip: string;
	exec(command: string, options?: { timeoutMs?: number }): Promise<{ exit: number; stdout: string; stderr: string }>;
}

/**
 * Node certificates normally live 90 days, and a saved swarm must still work when it is opened a year or more
 * after the build, with the guests' clocks set to that day: ten years. `init --cert-expiry` only sets the spec: the
 * manager's first certificate, and those of nodes that join before it is renewed, still live 90 days (a resumed
 * snapshot whose nodes all dialled again failed every TLS handshake past that day). Rotating the CA once, right
 * after `init`, issues the manager a certificate under the spec; nodes that join later get one too.
 */
export const nodeCertExpiry = '87600h';

/** Runs a command that must succeed and returns its trimmed stdout; a failure carries the node, command and output. */
export async function sh(node: SwarmNode, command: string, timeoutMs = 300_000) {
	const result = await node.exec(command, { timeoutMs });
	if (result.exit !== 0) throw new Error(`${node.name}$ ${command}\nexit ${result.exit}\n${result.stdout}${result.stderr}`);
	return result.stdout.trim();
}

/**
 * `docker swarm join` that waits for the node to be active: the CLI gives up after 20 s and leaves the join
 * running in the background, which happens when three emulators share two host cores. A background join that
 * ends in `error` (its certificate request timed out) is left and tried again.
 */
export function joinCommand(token: string, worker: { ip: string }, manager: { ip: string }) {
	const join = `docker swarm join --token ${token} --advertise-addr ${worker.ip} ${manager.ip}:2377`;
	return `${join} || { for i in $(seq 200); do case "$(docker info -f '{{.Swarm.LocalNodeState}}')" in ` +
		`active) exit 0;; error|inactive) docker swarm leave -f >/dev/null 2>&1; ${join} && exit 0;; esac; sleep 3; done; exit 1; }`;
}

/** Init on the manager, join the workers one after the other, and wait until the manager sees them all Ready. */
export async function formSwarm(manager: SwarmNode, workers: SwarmNode[]) {
	await sh(manager, `docker swarm init --advertise-addr ${manager.ip} --cert-expiry ${nodeCertExpiry}`);
	await sh(manager, 'docker swarm ca --rotate --quiet >/dev/null');
	const token = await sh(manager, 'docker swarm join-token -q worker');
	for (const worker of workers) await sh(worker, joinCommand(token, worker, manager), 600_000);
	await waitAllReady(manager, workers.length + 1);
}

/** Until `docker node ls` on the manager shows this many nodes Ready. */
export function waitAllReady(manager: SwarmNode, count: number, seconds = 300) {
	const ready = `$(docker node ls --format '{{.Status}}' | grep -c '^Ready$')`;
	return sh(manager, `for i in $(seq ${seconds}); do [ ${ready} -eq ${count} ] && exit 0; sleep 1; done; docker node ls; exit 1`, seconds * 2000);
}
