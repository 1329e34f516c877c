// `npm run --silent bench -- --json [--only node|restore|cluster]`: measures the saved states, a node, the restored swarm and a
// 3-node cluster that forms its own swarm; prints one JSON object.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Cluster, defaultNodes } from '../../emulator/cluster/cluster.ts';
import { waitAllReady } from '../../emulator/cluster/swarm.ts';
import { SwarmWatch } from '../../emulator/cluster/swarm-watch.ts';
import type { Node } from '../../emulator/node/node.ts';
import { defaultVmDir, localVmFiles } from '../../emulator/node/local-files.ts';
import { parseStatesIndex, stateDownloadBytes, statesIndexPath } from '../../emulator/node/saved-states.ts';
import { formSwarm, runOnOverlay, sh } from '../vm/swarm-commands.ts';
import { median } from './median.ts';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, only: { type: 'string' } } });
const log = (line: string) => {
	if (!values.json) process.stderr.write(`bench: ${line}\n`);
};
const rssMB = () => Math.round(process.memoryUsage().rss / 1e6);

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
	const start = performance.now();
	const value = await fn();
	return [value, Math.round(performance.now() - start)];
}

/** Host CPU (all threads of this process: emulators, JIT compilers, switch) per wall-clock second, while the guests idle. */
async function hostCoresWhileIdle(ms: number) {
	const before = process.cpuUsage();
	await new Promise((r) => setTimeout(r, ms));
	const used = process.cpuUsage(before);
	return Math.round(((used.user + used.system) / 1000 / ms) * 100) / 100;
}


/** The median time of `runs` calls made one after the other. */
async function medianOf(runs: number, fn: () => Promise<unknown>) {
	const times: number[] = [];
	for (let i = 0; i < runs; i++) times.push((await timed(fn))[1]);
	return median(times);
}
const pingTimes = (text: string) => [...text.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1]));

/** What the saved states weigh: all of them together (the root disk's chunks apart), and what three fresh nodes need. */
async function stateSizes() {
	const { manifest } = await localVmFiles();
	const index = parseStatesIndex(readFileSync(join(defaultVmDir, statesIndexPath)));
	const sizeOf = (path: string) => manifest.files[path].size;
	return {
		stateBytesTotal: Object.entries(manifest.files).filter(([path]) => path.startsWith('states/')).reduce((sum, [, f]) => sum + f.size, 0),
		freshStateBytes: stateDownloadBytes(index, ['fresh'], sizeOf),
		swarmStateBytes: stateDownloadBytes(index, ['swarm'], sizeOf),
	};
}

async function benchNode() {
	const files = await localVmFiles();
	const start = performance.now();
	const cluster = await Cluster.restore({ nodes: defaultNodes.slice(0, 1), files, start: 'fresh' });
	const node = cluster.node('manager');
	const nodeRestoreMs = Math.round(performance.now() - start);
	while (!node.console.text().includes('root@manager')) await new Promise((r) => setTimeout(r, 20));
	const nodePromptMs = Math.round(performance.now() - start);
	log(`restore ${nodeRestoreMs} ms, prompt ${nodePromptMs} ms`);
	const idleNodeHostCores = await hostCoresWhileIdle(10_000);
	const agentExecMs = await medianOf(10, () => node.exec('true'));
	const dockerCliMs = await medianOf(5, () => sh(node, 'docker ps'));
	const [, dockerRunFirstMs] = await timed(() => sh(node, 'docker run --rm busybox true'));
	const dockerRunMs = await medianOf(3, () => sh(node, 'docker run --rm busybox true'));
	log(`agent ${agentExecMs} ms, docker ps ${dockerCliMs} ms, docker run ${dockerRunFirstMs} / ${dockerRunMs} ms`);
	const used = await sh(node, "free -m | sed -n 's/^Mem: *[0-9]* *\\([0-9]*\\).*/\\1/p'");
	const result = {
		engineVersion: await sh(node, "docker version -f '{{.Server.Version}}'"),
		defaultRuntime: await sh(node, "docker info -f '{{.DefaultRuntime}}'"),
		nodeRestoreMs,
		nodePromptMs,
		idleNodeHostCores,
		agentExecMs,
		dockerCliMs,
		dockerRunFirstMs,
		dockerRunMs,
		guestMemUsedMB: Number(used),
		hostRssMB: rssMB(),
	};
	await cluster.stop();
	return result;
}

/** Each guest's CPU busy share (0-100) over `ms`, from its own /proc/stat; the mean of the nodes. */
async function guestBusyPercent(nodes: Node[], ms: number) {
	const read = async (node: Node) => (await sh(node, "head -1 /proc/stat")).split(/\s+/).slice(1).map(Number);
	const before = await Promise.all(nodes.map(read));
	await new Promise((r) => setTimeout(r, ms));
	const after = await Promise.all(nodes.map(read));
	const shares = nodes.map((_, i) => {
		const delta = after[i].map((value, j) => value - before[i][j]);
		const total = delta.reduce((sum, value) => sum + value, 0);
		// Fields: user nice system idle iowait irq softirq steal…
		return total ? (1 - (delta[3] + delta[4]) / total) * 100 : 0;
	});
	return Math.round((shares.reduce((sum, share) => sum + share, 0) / shares.length) * 10) / 10;
}

/**
 * The swarm map's watch on an idle swarm: its first survey of the three nodes, and the guests' CPU with the map open
 * and closed, in alternate windows (an idle swarm's own load drifts: one window each would compare the drift).
 */
async function benchSwarmMap(cluster: Cluster) {
	const nodes = cluster.nodeNames.map((name) => cluster.node(name));
	const windowMs = 30_000;
	const closed: number[] = [];
	const open: number[] = [];
	const surveys: number[] = [];
	for (let pair = 0; pair < 2; pair++) {
		closed.push(await guestBusyPercent(nodes, windowMs));
		const watch = new SwarmWatch(() => new Map(nodes.map((node) => [node.name, node])));
		const firstRound = new Promise<number>((resolve) => watch.on('round', ({ ms }) => resolve(ms)));
		watch.start();
		surveys.push(await firstRound);
		// The waits for events start right after the first round.
		await new Promise((r) => setTimeout(r, 3000));
		open.push(await guestBusyPercent(nodes, windowMs));
		watch.stop();
	}
	const mean = (values: number[]) => Math.round((values.reduce((sum, value) => sum + value, 0) / values.length) * 10) / 10;
	log(`swarm map: surveys ${surveys.join(', ')} ms; idle guests ${closed.join(', ')}% busy, with the map open ${open.join(', ')}%`);
	return {
		swarmMapSurveyMs: surveys,
		idleGuestBusyPercent: mean(closed),
		swarmMapOpenGuestBusyPercent: mean(open),
		swarmMapIdleCostPercent: Math.round((mean(open) - mean(closed)) * 10) / 10,
	};
}

/** The saved swarm restored (agents answering), then how long until the manager sees three nodes Ready and a service runs. */
async function benchRestoredSwarm() {
	const files = await localVmFiles();
	const [cluster, clusterRestoreMs] = await timed(() => Cluster.restore({ nodes: defaultNodes, files, start: 'swarm', log }));
	try {
		const manager = cluster.node('manager');
		const [, swarmReadyMs] = await timed(() => waitAllReady(manager, 3));
		const [, restoredServiceMs] = await timed(() => sh(manager, 'docker service create --quiet --name first --replicas 3 nginx'));
		log(`swarm restored in ${clusterRestoreMs} ms, 3 Ready ${swarmReadyMs} ms later, a 3-replica service in ${restoredServiceMs} ms`);
		return { clusterRestoreMs, swarmReadyMs, restoredServiceMs, ...(await benchSwarmMap(cluster)) };
	} finally {
		await cluster.stop();
	}
}

async function benchCluster() {
	const files = await localVmFiles();
	const [cluster, clusterStartMs] = await timed(() => Cluster.restore({ nodes: defaultNodes, files, start: 'fresh', log }));
	const [manager, worker1, worker2] = defaultNodes.map((n) => cluster.node(n.name));
	try {
		const [, swarmFormMs] = await timed(() => formSwarm(manager, [worker1, worker2]));
		log(`swarm formed in ${swarmFormMs} ms`);
		// The workers' first minute in a swarm is busy (certificates, gossip, the ingress network): let it settle.
		await new Promise((r) => setTimeout(r, 30_000));
		const idleSwarmHostCores = await hostCoresWhileIdle(20_000);
		log(`an idle swarm keeps ${idleSwarmHostCores} host cores busy`);
		// Without -d the CLI returns once the service has converged (or failed to).
		const [, serviceConvergeMs] = await timed(() => sh(manager, 'docker service create --quiet --name bench-web --replicas 3 -p 8080:80 nginx'));
		const converged = await sh(manager, "docker service ls --filter name=bench-web --format '{{.Replicas}}'");
		if (converged !== '3/3') throw new Error(`bench-web did not converge: ${converged}`);
		log(`service converged in ${serviceConvergeMs} ms`);
		await sh(manager, 'docker service rm bench-web');
		await sh(manager, 'docker network create -d overlay --attachable bench-net');
		await runOnOverlay(manager, 'b1', 'bench-net');
		const [, overlayRunMs] = await timed(() => runOnOverlay(worker1, 'b2', 'bench-net'));
		const overlayPing = await sh(worker1, 'docker exec b2 ping -c 12 -i 0.2 b1');
		const underlayPing = await sh(worker1, 'ping -c 12 -i 0.2 10.0.3.62');
		// A real transfer: 8 MB over TCP with nc, timed inside the sending guest.
		const megabits = 64;
		const transferMbps = async (listen: string, send: string) => {
			await sh(manager, listen);
			await new Promise((r) => setTimeout(r, 1000));
			const ms = Number(await sh(worker1, `s=$(date +%s%N); ${send}; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))`));
			return Math.round((megabits / (ms / 1000)) * 10) / 10;
		};
		const underlayMbps = await transferMbps('(busybox nc -l -p 5001 >/dev/null &)', 'head -c 8000000 /dev/zero | busybox nc -w 3 10.0.3.62 5001');
		const overlayMbps = await transferMbps('docker exec -d b1 sh -c "nc -l -p 5002 >/dev/null"', 'docker exec b2 sh -c "head -c 8000000 /dev/zero | nc -w 3 b1 5002"');
		return {
			clusterStartMs,
			swarmFormMs,
			idleSwarmHostCores,
			serviceConvergeMs,
			overlayRunMs,
			overlayRttMs: median(pingTimes(overlayPing).slice(1)),
			underlayRttMs: median(pingTimes(underlayPing).slice(1)),
			overlayMbps,
			underlayMbps,
			clusterRssMB: rssMB(),
			framesSeen: cluster.capture.count({}),
		};
	} finally {
		await cluster.stop();
	}
}

const only = values.only;
if (only !== undefined && !['node', 'restore', 'cluster'].includes(only)) throw new Error(`--only takes node, restore or cluster, not "${only}"`);
const results: Record<string, unknown> = await stateSizes();
if (!only || only === 'node') Object.assign(results, await benchNode());
if (!only || only === 'restore') Object.assign(results, await benchRestoredSwarm());
if (!only || only === 'cluster') Object.assign(results, await benchCluster());
process.stdout.write(JSON.stringify(results, null, values.json ? 0 : 2) + '\n');
process.exit(0);
