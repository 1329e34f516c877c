// lab:verify's procedure for one chapter: every checkpoint must fail in the start state and pass once the solution ran.
import { graderContext, stepEnv, type LabCluster } from './cluster-context.ts';
import { evaluateCheckpoint, type Verdict, type VerdictStatus } from './grader.ts';
import { formatMessage } from './messages.ts';
import { runStep, runSteps } from './steps.ts';
import { languages, type Chapter, type Checkpoint, type Exec } from './types.ts';

export type CellStatus = VerdictStatus | 'not run';

export interface CheckpointRow {
	id: string;
	kind: Checkpoint['kind'];
	before: CellStatus;
	after: CellStatus;
	problems: string[];
}

export interface ChapterReport {
	folder: string;
	rows: CheckpointRow[];
	/** Problems that belong to no single checkpoint: the start state or a solution step failed. */
	problems: string[];
}

export interface VerifyOptions {
	/** How long a checkpoint may take to pass after its solution steps (swarm converges asynchronously). */
	settleMs?: number;
	pollMs?: number;
	sleep?: (ms: number) => Promise<void>;
	clock?: () => number;
	log?: (line: string) => void;
}

/** Submitted before the solution runs: no question may accept it. */
export const wrongAnswer = 'lab-verify: a deliberately wrong answer';

export function reportPassed(report: ChapterReport): boolean {
	return !report.problems.length && report.rows.every((row) => !row.problems.length);
}

export async function verifyChapter(chapter: Chapter, cluster: LabCluster, options: VerifyOptions = {}): Promise<ChapterReport> {
	const { settleMs = 120_000, pollMs = 3_000, sleep = (ms) => new Promise((r) => setTimeout(r, ms)), clock = Date.now, log = () => {} } = options;
	const rows = chapter.checkpoints.map((cp): CheckpointRow => ({ id: cp.id, kind: cp.kind, before: 'not run', after: 'not run', problems: [] }));
	const rowOf = (id: string) => rows.find((row) => row.id === id)!;
	const report: ChapterReport = { folder: chapter.folder, rows, problems: [] };
	checkLanguages(chapter, rowOf);

	const env = stepEnv(cluster);
	const { exec } = env;
	const outputs = new Map<string, string>();
	log(`${chapter.folder}: running the chapter's setup on its ${chapter.start} start state`);
	try {
		await runSteps(chapter.setup, env, outputs);
	} catch (error) {
		report.problems.push(`start state: ${(error as Error).message}`);
		return report;
	}

	const ctx = graderContext(cluster);
	for (const checkpoint of chapter.checkpoints) {
		const verdict = await evaluateCheckpoint(checkpoint, ctx, checkpoint.kind === 'question' ? wrongAnswer : undefined);
		const row = rowOf(checkpoint.id);
		row.before = verdict.status;
		if (verdict.status === 'passed') row.problems.push(`passes before the solution, so it proves nothing (${describe(verdict)})`);
		if (verdict.status === 'unavailable') row.problems.push(`cannot be evaluated in the start state (${describe(verdict)})`);
	}

	/** Polls until the checkpoint passes or settleMs runs out; a question is answered with the value the machines compute. */
	const checkAfter = async (checkpoint: Checkpoint) => {
		const deadline = clock() + settleMs;
		let verdict: Verdict;
		for (;;) {
			verdict = await evaluateCheckpoint(checkpoint, ctx, checkpoint.kind === 'question' ? await solutionAnswer(checkpoint) : undefined);
			if (verdict.status === 'passed' || clock() >= deadline) break;
			await sleep(pollMs);
		}
		const row = rowOf(checkpoint.id);
		row.after = verdict.status;
		if (verdict.status !== 'passed') row.problems.push(`does not pass after the solution (${describe(verdict)})`);
		log(`${chapter.folder}: ${checkpoint.id} ${verdict.status}`);
	};
	const solutionAnswer = async (checkpoint: Checkpoint & { kind: 'question' }) => {
		if (checkpoint.example !== undefined) return checkpoint.example;
		try {
			const result = await exec(checkpoint.answer.node, checkpoint.answer.run, { timeoutMs: checkpoint.answer.timeoutMs });
			return result.exit === 0 ? result.stdout.trim() : undefined;
		} catch {
			return undefined; // the grader's own exec reports the node as unavailable
		}
	};

	const checked = new Set<string>();
	for (const [index, item] of chapter.solution.entries()) {
		if ('check' in item) {
			await checkAfter(chapter.checkpoints.find((cp) => cp.id === item.check)!);
			checked.add(item.check);
			ctx.stepStartedAt = cluster.now();
			continue;
		}
		log(`${chapter.folder}: ${'fault' in item ? `fault ${JSON.stringify(item.fault)}` : `${item.node}$ ${item.run}`}`);
		try {
			await runStep(item, env, outputs);
		} catch (error) {
			const diagnosis = 'fault' in item ? '' : await nodeDiagnosis(exec, item.node);
			report.problems.push(`solution step ${index + 1}: ${(error as Error).message}${diagnosis}`);
			return report;
		}
	}
	for (const checkpoint of chapter.checkpoints) if (!checked.has(checkpoint.id)) await checkAfter(checkpoint);
	return report;
}

/** What the kernel and dockerd said last on a node whose step failed: a dead daemon or the OOM killer shows there. */
async function nodeDiagnosis(exec: Exec, node: string) {
	try {
		const result = await exec(node, 'dmesg | tail -n 12; echo ---; tail -n 12 /var/log/dockerd.log', { timeoutMs: 20_000 });
		return `\n  ${node}: last kernel messages, then dockerd's log:\n${result.stdout.replace(/^/gm, '    ')}`;
	} catch (error) {
		return `\n  ${node} does not answer: ${(error as Error).message}`;
	}
}

/** The loader guarantees these; checking again keeps lab:verify honest about chapters built by other means. */
function checkLanguages(chapter: Chapter, rowOf: (id: string) => CheckpointRow) {
	for (const language of languages) {
		const text = chapter.text[language];
		for (const { id } of chapter.checkpoints) {
			const entry = text?.checkpoints[id];
			if (!entry?.title || !entry.hintHtml) rowOf(id).problems.push(`no ${language} title or hint`);
			if (!text?.segments.some((segment) => segment.kind === 'checkpoint' && segment.id === id)) rowOf(id).problems.push(`not placed in ${language}.md`);
		}
	}
}

function describe(verdict: Verdict): string {
	const output = verdict.detail.params.output;
	const said = formatMessage('en', verdict.detail);
	return output !== undefined && String(output).trim() ? `${said} Output: ${JSON.stringify(String(output).trim())}` : said;
}

/** The table lab:verify prints: chapter | checkpoint | before | after, then every problem on its own line. */
export function formatReports(reports: readonly ChapterReport[]): string {
	const header = ['chapter', 'checkpoint', 'kind', 'before', 'after', ''];
	const lines = reports.flatMap((report) =>
		report.rows.map((row) => [report.folder, row.id, row.kind, row.before, row.after, row.problems.length ? 'FAIL' : 'ok']),
	);
	const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i].length)));
	const format = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
	const out = [format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format)];
	const problems = reports.flatMap((report) => [
		...report.problems.map((problem) => `${report.folder}: ${problem}`),
		...report.rows.flatMap((row) => row.problems.map((problem) => `${report.folder} / ${row.id}: ${problem}`)),
	]);
	const checkpoints = lines.length;
	out.push('', problems.length ? `${problems.length} problem(s):` : `${reports.length} chapter(s), ${checkpoints} checkpoint(s): all verified.`);
	out.push(...problems.map((problem) => `  ✗ ${problem}`));
	return out.join('\n');
}
