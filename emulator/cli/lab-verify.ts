// lab:verify — each chapter on a headless cluster restored in its start state: each checkpoint must fail at the start and pass after the solution.
// Usage: tsx emulator/cli/lab-verify.ts [--settle SECONDS] [--quiet] [labs/NN-slug ...]   (no folder: every chapter)
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadChapter, loadChapters } from '../../labs/engine/chapter-loader.server.ts';
import { LabError } from '../../labs/engine/lab-error.ts';
import type { Chapter } from '../../labs/engine/types.ts';
import { formatReports, reportPassed, verifyChapter, type ChapterReport } from '../../labs/engine/verify-chapter.ts';
import { Cluster } from '../cluster/cluster.ts';
import { localVmFiles } from '../node/local-files.ts';

const labsDir = resolve(import.meta.dirname, '../../labs');

interface Arguments {
	folders: string[];
	settleMs?: number;
	quiet: boolean;
}

function parseArguments(argv: string[]): Arguments {
	const args: Arguments = { folders: [], quiet: false };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--quiet') args.quiet = true;
		else if (arg === '--settle') args.settleMs = Number(argv[++i]) * 1000;
		else if (arg === '--help' || arg === '-h') {
			console.log('usage: tsx emulator/cli/lab-verify.ts [--settle SECONDS] [--quiet] [labs/NN-slug ...]');
			process.exit(0);
		} else args.folders.push(arg);
	}
	if (args.settleMs !== undefined && !(args.settleMs >= 0)) throw new Error('--settle takes a number of seconds');
	return args;
}

/** A folder as given, or a name under labs/ (`01-form-swarm`). */
function chapterDir(folder: string): string {
	return existsSync(folder) ? resolve(folder) : resolve(labsDir, folder);
}

function loadRequested(folders: string[]): Chapter[] {
	if (!folders.length) return loadChapters(labsDir);
	const errors: LabError[] = [];
	const chapters: Chapter[] = [];
	for (const folder of folders) {
		try {
			chapters.push(loadChapter(chapterDir(folder)));
		} catch (error) {
			if (!(error instanceof LabError)) throw error;
			errors.push(...error.errors);
		}
	}
	if (errors.length) throw LabError.of(errors);
	return chapters;
}

async function main() {
	const args = parseArguments(process.argv.slice(2));
	let chapters: Chapter[];
	try {
		chapters = loadRequested(args.folders);
	} catch (error) {
		if (!(error instanceof LabError)) throw error;
		for (const problem of error.errors) console.error(problem.message);
		process.exit(1);
	}
	const log = args.quiet ? undefined : (line: string) => console.error(`[lab:verify] ${line}`);
	let files: Awaited<ReturnType<typeof localVmFiles>>;
	try {
		files = await localVmFiles();
	} catch (error) {
		console.error(`lab:verify needs the VM image in static/vm (build it with \`npm run vm\`): ${(error as Error).message}`);
		process.exit(2);
	}
	const reports: ChapterReport[] = [];
	// One chapter at a time; a cluster with the same nodes is reset to the chapter's saved start state, not restarted.
	let cluster: Cluster | undefined;
	for (const chapter of chapters) {
		log?.(`${chapter.folder}: restoring ${chapter.nodes.map((node) => node.name).join(', ')} in their saved ${chapter.start} state`);
		try {
			if (cluster?.hasNodes(chapter.nodes)) await cluster.reset(chapter.start);
			else {
				await cluster?.stop();
				cluster = await Cluster.restore({ nodes: chapter.nodes, files, start: chapter.start, log });
			}
			reports.push(await verifyChapter(chapter, cluster, { settleMs: args.settleMs, log }));
		} catch (error) {
			reports.push({ folder: chapter.folder, rows: [], problems: [`the cluster failed: ${(error as Error).message}`] });
			await cluster?.stop();
			cluster = undefined;
		}
	}
	await cluster?.stop();
	console.log(formatReports(reports));
	process.exit(reports.every(reportPassed) ? 0 : 1);
}

await main();
