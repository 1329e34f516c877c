// `npm run --silent bench:grading -- --json [--chapter NN-slug]`: what grading after every command costs the guests.
// The student's path at machine speed: each command block of the chapter's prose runs on its node, as its run
// button would, and after each command (line) the round the page runs when a command ends: the pending exec, capture
// and wait checkpoints of the section the student is in, one at a time. Guest CPU is the busy time in each node's
// /proc/stat, summed over the nodes, read around each evaluation and around the whole path. An evaluation that
// passes costs what the Check button would; the ones that do not pass yet are what automatic grading adds.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Cluster } from '../../emulator/cluster/cluster.ts';
import { localVmFiles } from '../../emulator/node/local-files.ts';
import { checkpointParts, pendingInCurrentPart } from '../../labs/engine/auto-grading.ts';
import { loadChapter } from '../../labs/engine/chapter-loader.server.ts';
import { graderContext, stepEnv } from '../../labs/engine/cluster-context.ts';
import { evaluateCheckpoint } from '../../labs/engine/grader.ts';
import { runSteps } from '../../labs/engine/steps.ts';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, chapter: { type: 'string', default: '02-overlay-service' } } });
const chapter = loadChapter(resolve(import.meta.dirname, '../../labs', values.chapter));
const log = (text: string) => process.stderr.write(`[bench:grading] ${text}\n`);

/** Seconds the nodes' CPUs were not idle since boot, summed (USER_HZ is 100). */
async function guestBusy(cluster: Cluster): Promise<number> {
	let total = 0;
	for (const node of cluster.nodeNames) {
		const { stdout } = await cluster.node(node).exec('head -n1 /proc/stat');
		const [user, nice, system, , , irq, softirq] = stdout.trim().split(/\s+/).slice(1).map(Number);
		total += (user + nice + system + irq + softirq) / 100;
	}
	return total;
}

const cluster = await Cluster.restore({ nodes: chapter.nodes, files: await localVmFiles(), start: chapter.start, log });
try {
	const grader = graderContext(cluster);
	await runSteps(chapter.setup, stepEnv(cluster));
	const parts = checkpointParts(chapter.text.en.segments);
	const passed = new Set<string>();
	const spent = { passing: 0, notYet: 0, evaluations: 0, commands: 0 };
	const start = performance.now();
	const before = await guestBusy(cluster);
	for (const segment of chapter.text.en.segments) {
		if (segment.kind !== 'command') continue;
		for (const line of segment.code.split('\n').filter((text) => text.trim())) {
			spent.commands++;
			// As typed at the prompt: a command that fails (a network still in use) is the student's to run again.
			await grader.exec(segment.node, line, { timeoutMs: 600_000 }).catch(() => {});
			for (const checkpoint of pendingInCurrentPart(parts, chapter.checkpoints, (id) => passed.has(id))) {
				const busyBefore = await guestBusy(cluster);
				const verdict = await evaluateCheckpoint(checkpoint, grader);
				const busy = (await guestBusy(cluster)) - busyBefore;
				spent.evaluations++;
				if (verdict.status === 'passed') {
					passed.add(checkpoint.id);
					grader.stepStartedAt = cluster.now();
					spent.passing += busy;
				} else spent.notYet += busy;
			}
		}
	}
	const total = (await guestBusy(cluster)) - before;
	const tenths = (value: number) => Math.round(value * 10) / 10;
	log(`${spent.commands} commands, ${tenths(total)} s of guest CPU in ${Math.round((performance.now() - start) / 1000)} s; passed: ${[...passed].join(' ')}`);
	const result = {
		chapter: chapter.id,
		commands: spent.commands,
		guestCpuS: tenths(total),
		automaticEvaluations: spent.evaluations,
		automaticPasses: passed.size,
		passingEvaluationsGuestCpuS: tenths(spent.passing),
		notYetEvaluationsGuestCpuS: tenths(spent.notYet),
		extraGuestCpuPercent: tenths((spent.notYet / (total - spent.notYet)) * 100),
		allEvaluationsGuestCpuPercent: tenths(((spent.passing + spent.notYet) / (total - spent.passing - spent.notYet)) * 100),
	};
	process.stdout.write(JSON.stringify(result, null, values.json ? 0 : 2) + '\n');
} finally {
	await cluster.stop();
}
process.exit(0);
