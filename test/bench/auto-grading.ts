// `npm run --silent bench:grading -- --json [--chapter NN-slug]`: what grading after every command costs the guests.
// The chapter's solution runs on its restored start state with, after each step, the round the page runs when a
// command ends (the pending exec and capture checkpoints of the part the student is in, one at a time). Guest CPU is
// the busy time in each node's /proc/stat, summed over the nodes, read around each round and around the whole run.
// (Two runs, one without rounds, differed by more than the rounds cost: a swarm's convergence time varies.)
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Cluster } from '../../emulator/cluster/cluster.ts';
import { localVmFiles } from '../../emulator/node/local-files.ts';
import { checkpointParts, pendingInCurrentPart } from '../../labs/engine/auto-grading.ts';
import { loadChapter } from '../../labs/engine/chapter-loader.server.ts';
import { graderContext } from '../../labs/engine/cluster-context.ts';
import { evaluateCheckpoint } from '../../labs/engine/grader.ts';
import { runStep } from '../../labs/engine/steps.ts';
import type { Chapter, Step } from '../../labs/engine/types.ts';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, chapter: { type: 'string', default: '02-overlay-service' } } });
const chapter = loadChapter(resolve(import.meta.dirname, '../../labs', values.chapter));
const log = (text: string) => process.stderr.write(`[bench:grading] ${text}\n`);

/** Seconds the node's CPU was not idle since boot (USER_HZ is 100). */
async function busySeconds(cluster: Cluster, node: string): Promise<number> {
	const { stdout } = await cluster.node(node).exec('head -n1 /proc/stat');
	const [user, nice, system, , , irq, softirq] = stdout.trim().split(/\s+/).slice(1).map(Number);
	return (user + nice + system + irq + softirq) / 100;
}

async function guestBusy(cluster: Cluster): Promise<number> {
	let total = 0;
	for (const node of cluster.nodeNames) total += await busySeconds(cluster, node);
	return total;
}

async function solutionRun(cluster: Cluster, chapter: Chapter) {
	const grader = graderContext(cluster);
	const exec = grader.exec;
	const parts = checkpointParts(chapter.text.en.segments);
	const passed = new Set<string>();
	const outputs = new Map<string, string>();
	for (const step of chapter.setup) await runStep(step, exec, outputs);
	let evaluations = 0;
	let rounds = 0;
	const before = await guestBusy(cluster);
	const start = performance.now();
	for (const item of chapter.solution) {
		if (!('run' in item)) continue;
		await runStep(item as Step, exec, outputs);
		const roundStart = await guestBusy(cluster);
		for (const checkpoint of pendingInCurrentPart(parts, chapter.checkpoints, (id) => passed.has(id))) {
			evaluations++;
			const verdict = await evaluateCheckpoint(checkpoint, grader);
			if (verdict.status === 'passed') {
				passed.add(checkpoint.id);
				grader.stepStartedAt = cluster.now();
			}
		}
		rounds += (await guestBusy(cluster)) - roundStart;
	}
	const busy = (await guestBusy(cluster)) - before;
	return { busy, rounds, seconds: (performance.now() - start) / 1000, evaluations, passed: [...passed] };
}

const cluster = await Cluster.restore({ nodes: chapter.nodes, files: await localVmFiles(), start: chapter.start, log });
try {
	const run = await solutionRun(cluster, chapter);
	log(`${run.busy.toFixed(1)} s of guest CPU in ${run.seconds.toFixed(0)} s, ${run.rounds.toFixed(1)} s of it in rounds; passed: ${run.passed.join(' ')}`);
	const tenths = (value: number) => Math.round(value * 10) / 10;
	const result = {
		chapter: chapter.id,
		solutionSteps: chapter.solution.filter((item) => 'run' in item).length,
		guestCpuS: tenths(run.busy),
		roundsGuestCpuS: tenths(run.rounds),
		automaticEvaluations: run.evaluations,
		automaticPasses: run.passed.length,
		extraGuestCpuPercent: tenths((run.rounds / (run.busy - run.rounds)) * 100),
	};
	process.stdout.write(JSON.stringify(result, null, values.json ? 0 : 2) + '\n');
} finally {
	await cluster.stop();
}
process.exit(0);
