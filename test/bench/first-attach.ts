// `npm run --silent bench:attach -- [--runs N] [--json]`: on N clusters restored in the saved swarm, creates an
// attachable overlay and runs the first `docker run -d --network` of each node once, without retrying, as a student
// would. Swarmkit gives a network attachment a fixed 20 s; this counts how often each node makes it, and how long it took.
import { parseArgs } from 'node:util';
import { Cluster, defaultNodes } from '../../emulator/cluster/cluster.ts';
import { localVmFiles } from '../../emulator/node/local-files.ts';
import { sh } from '../vm/swarm-commands.ts';
import { median } from './median.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, json: { type: 'boolean', default: false } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
	console.error('--runs takes a whole number of fresh clusters, at least 1');
	process.exit(2);
}
const log = (line: string) => {
	if (!values.json) process.stderr.write(`bench:attach: ${line}\n`);
};

const files = await localVmFiles();
const attempts: { run: number; node: string; ok: boolean; ms: number; error?: string }[] = [];
for (let run = 1; run <= runs; run++) {
	const cluster = await Cluster.restore({ nodes: defaultNodes, files, start: 'swarm' });
	const [manager, ...workers] = defaultNodes.map((n) => cluster.node(n.name));
	try {
		await sh(manager, 'docker network create -d overlay --attachable first-net');
		for (const node of [manager, ...workers]) {
			const start = performance.now();
			const result = await node.exec(`docker run -d --name first-${node.name} --network first-net busybox sleep 600`, { timeoutMs: 120_000 });
			const ms = Math.round(performance.now() - start);
			attempts.push({ run, node: node.name, ok: result.exit === 0, ms, ...(result.exit === 0 ? {} : { error: result.stderr.trim() }) });
			log(`run ${run} ${node.name}: ${result.exit === 0 ? 'attached' : 'FAILED'} in ${ms} ms`);
		}
	} finally {
		await cluster.stop();
	}
}
const ok = attempts.filter((a) => a.ok);
const times = ok.map((a) => a.ms);
process.stdout.write(
	JSON.stringify({
		clusters: runs,
		attempts: attempts.length,
		firstAttachOk: ok.length,
		firstAttachMedianMs: times.length ? median(times) : null,
		firstAttachMaxMs: times.length ? Math.max(...times) : null,
		failures: attempts.filter((a) => !a.ok),
	}) + '\n',
);
process.exit(ok.length === attempts.length ? 0 : 1);
