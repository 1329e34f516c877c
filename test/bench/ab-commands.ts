// `npx tsx test/bench/ab-commands.ts [--runs N] [--before-a CMD] [--before-b CMD] 'COMMAND A' 'COMMAND B'`
// On one restored node, runs two guest commands in turn (A B A B …) and prints each one's median wall time (ms, seen
// from the host) as JSON: a lever measured alone, on the same machine state, in the same minute. --before-a/-b run
// untimed before each timed run of A/B (e.g. restart dockerd with another environment).
import { parseArgs } from 'node:util';
import { localVmFiles } from '../../emulator/node/local-files.ts';
import { Cluster, defaultNodes } from '../../emulator/cluster/cluster.ts';
import { sh } from '../vm/swarm-commands.ts';
import { median } from './median.ts';

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: { runs: { type: 'string', default: '5' }, 'before-a': { type: 'string' }, 'before-b': { type: 'string' } },
});
const runs = Number(values.runs);
const [a, b] = positionals;
if (!a || !b || !(runs > 0)) {
	console.error("usage: ab-commands.ts [--runs N] [--before-a CMD] [--before-b CMD] 'COMMAND A' 'COMMAND B'");
	process.exit(2);
}
const cluster = await Cluster.restore({ nodes: defaultNodes.slice(0, 1), files: await localVmFiles(), start: 'fresh' });
const node = cluster.node('manager');
try {
	const variants = [
		{ command: a, before: values['before-a'], times: [] as number[] },
		{ command: b, before: values['before-b'], times: [] as number[] },
	];
	for (let i = 0; i <= runs; i++) {
		for (const variant of variants) {
			if (variant.before) await sh(node, variant.before);
			const start = performance.now();
			await sh(node, variant.command);
			// The first round warms both up and is not counted.
			if (i > 0) variant.times.push(Math.round(performance.now() - start));
		}
	}
	const [A, B] = variants;
	console.log(JSON.stringify({ a, b, aMs: median(A.times), bMs: median(B.times), aRuns: A.times, bRuns: B.times }));
} finally {
	await cluster.stop();
}
process.exit(0);
