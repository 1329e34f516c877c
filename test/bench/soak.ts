// `npm run --silent soak -- [--minutes N] [--json]`: a 3-node cluster restored in the saved swarm, worked the way a
// student works it for N minutes (120 unless told): an overlay and a published 3-replica service created, reached
// through the mesh and across the overlay, seen on the wire, removed; every third round a worker reset, every fifth
// the whole cluster. Prints the host's RSS at the start, at minute 10 and at the end, the guests' available memory,
// and every failure (a failed round resets the cluster and goes on). Exits 1 on a failure or RSS growth over 5%.
import { parseArgs } from 'node:util';
import { Cluster, defaultNodes } from '../../emulator/cluster/cluster.ts';
import { agentHeartbeat } from '../../emulator/node/agent-heartbeat.ts';
import { localVmFiles } from '../../emulator/node/local-files.ts';
import type { Exec } from '../../labs/engine/types.ts';
import { probeOf, waitFor, type WaitCondition } from '../../labs/engine/wait.ts';
import { sh } from '../vm/swarm-commands.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '120' }, json: { type: 'boolean', default: false } } });
const minutes = Number(values.minutes);
if (!Number.isFinite(minutes) || minutes <= 0) {
	console.error('--minutes takes a positive number of minutes');
	process.exit(2);
}
const log = (line: string) => {
	if (!values.json) process.stderr.write(`soak: ${line}\n`);
};

const began = performance.now();
const elapsedMin = () => (performance.now() - began) / 60_000;
const rssMB = () => Math.round(process.memoryUsage().rss / 1e6);
/** MemAvailable of every node, in MB, as its kernel sees it. */
async function guestAvailableMB(cluster: Cluster) {
	const available: Record<string, number> = {};
	for (const name of cluster.nodeNames) available[name] = Math.round(Number(await sh(cluster.node(name), "awk '/MemAvailable/ {print $2}' /proc/meminfo")) / 1024);
	return available;
}

/** One round of a student's work; throws at the first step that fails, naming it. */
async function round(cluster: Cluster, n: number) {
	// Names of their own each round, as a student's would be: a removal still settling never meets the next creation.
	const net = `soak-net-${n}`;
	const web = `soak-web-${n}`;
	const [manager] = defaultNodes.map((spec) => cluster.node(spec.name));
	// The chapters' own wait (labs/engine/wait.ts): asked again every 2 s, and a failure says what it last saw.
	const exec: Exec = (node, command, options) => cluster.node(node).exec(command, options);
	const until = (node: string, condition: WaitCondition, timeoutMs: number) => waitFor(node, probeOf(condition), exec, timeoutMs);
	await sh(manager, `docker network create -d overlay --attachable ${net} >/dev/null`);
	await sh(manager, `docker service create -d --quiet --name ${web} --replicas 3 --network ${net} -p 8080:80 --no-resolve-image nginx >/dev/null`);
	await until('manager', { service: web, replicas: 3 }, 300_000);
	await until('worker1', { run: 'curl -s --max-time 10 http://10.0.3.62:8080/ | grep -c "Served by"', stdout: '^[1-9]' }, 120_000);
	const vxlanBefore = cluster.capture.count({ proto: 'udp', udpPort: 4789 });
	// Every task by its own address (a ping to the service's virtual IP is answered on the node itself).
	const pingTasks = `ips=$(nslookup tasks.${web} | grep "^Address" | grep -v ":53" | grep -o "[0-9.]*$"); [ -n "$ips" ] || exit 1; for ip in $ips; do ping -c 2 -W 5 $ip >/dev/null || exit 1; done; echo reached`;
	await until('worker2', { run: `docker run --rm --network ${net} busybox sh -c '${pingTasks}'`, stdout: '^reached$' }, 180_000);
	if (cluster.capture.count({ proto: 'udp', udpPort: 4789 }) <= vxlanBefore) throw new Error('no VXLAN frame crossed the switch during the overlay ping');
	await sh(manager, `docker service rm ${web} >/dev/null`);
	await until('manager', { run: `docker network rm ${net}` }, 120_000);
}

const files = await localVmFiles();
const cluster = await Cluster.restore({ nodes: defaultNodes, files, start: 'swarm', heartbeat: agentHeartbeat });
// What the page's heartbeat would have shown: each agent reported lost, and when it answered again.
const agentEvents: string[] = [];
for (const name of cluster.nodeNames)
	cluster.node(name).onAgent((answering) => agentEvents.push(`${name} ${answering ? 'answering' : 'lost'} at minute ${elapsedMin().toFixed(1)}`));
const rss = { start: rssMB(), minute10: undefined as number | undefined, end: 0, max: rssMB() };
const guest = { start: await guestAvailableMB(cluster), end: {} as Record<string, number> };
const failures: { round: number; minute: number; error: string }[] = [];
let rounds = 0;
while (elapsedMin() < minutes) {
	rounds++;
	const started = performance.now();
	try {
		await round(cluster, rounds);
		if (rounds % 5 === 0) await cluster.reset();
		else if (rounds % 3 === 0) await cluster.node('worker2').reset();
		log(`round ${rounds} in ${((performance.now() - started) / 1000).toFixed(1)} s, RSS ${rssMB()} MB, minute ${elapsedMin().toFixed(1)}`);
	} catch (error) {
		failures.push({ round: rounds, minute: Number(elapsedMin().toFixed(1)), error: (error as Error).message });
		log(`round ${rounds} FAILED: ${(error as Error).message}; the cluster is reset`);
		const reset = await cluster.reset().then(() => undefined, (resetError: Error) => resetError);
		if (reset) {
			failures.push({ round: rounds, minute: Number(elapsedMin().toFixed(1)), error: `the reset after it failed too: ${reset.message}` });
			break;
		}
	}
	rss.max = Math.max(rss.max, rssMB());
	if (rss.minute10 === undefined && elapsedMin() >= 10) rss.minute10 = rssMB();
}
rss.end = rssMB();
guest.end = await guestAvailableMB(cluster);
await cluster.stop();
// Growth is counted from minute 10: the first rounds fill caches (the JIT's code, the chunks read) that then stay.
const growthPct = rss.minute10 === undefined ? null : Number((((rss.end - rss.minute10) / rss.minute10) * 100).toFixed(1));
process.stdout.write(JSON.stringify({ minutes, rounds, rssMB: rss, rssGrowthFromMinute10Pct: growthPct, guestAvailableMB: guest, agentEvents, failures }) + '\n');
process.exit(failures.length || agentEvents.some((event) => event.includes(' lost ')) || (growthPct ?? 0) > 5 ? 1 : 0);
