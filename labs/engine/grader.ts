// Decides a checkpoint from the machines' live state and the wire, through injected exec and capture functions (browser and Node).
import { message, type Message } from './messages.ts';
import type { CaptureCheckpoint, CaptureFilter, ChapterCaptureFilter, Checkpoint, Exec, ExecCheckpoint, QuestionCheckpoint, WaitCheckpoint } from './types.ts';
import { probeOf } from './wait.ts';

export interface GraderContext {
	exec: Exec;
	/** Frames matching `filter` seen at or after `sinceMs` (switch clock). */
	countFrames(filter: CaptureFilter, sinceMs: number): number;
	/** Frames up to this time (switch clock) may have been dropped from the capture: a window must start after it. */
	framesLostUpTo(): number;
	/** When the cluster reached the chapter's start state (switch clock). */
	chapterStartedAt: number;
	/** When the current step began: the previous checkpoint passed, or the chapter started. */
	stepStartedAt: number;
}

export type VerdictStatus = 'passed' | 'failed' | 'unavailable';

export interface Verdict {
	status: VerdictStatus;
	detail: Message;
}

export const defaultCheckTimeoutMs = 30_000;
const excerptLength = 300;

const passed = (detail: Message): Verdict => ({ status: 'passed', detail });
const failed = (detail: Message): Verdict => ({ status: 'failed', detail });
const unavailable = (detail: Message): Verdict => ({ status: 'unavailable', detail });

/** Never 'passed' unless the machines said so: an exec that rejects or a capture that throws is 'unavailable'. */
export async function evaluateCheckpoint(checkpoint: Checkpoint, ctx: GraderContext, answer?: string): Promise<Verdict> {
	switch (checkpoint.kind) {
		case 'exec':
			return evaluateExec(checkpoint, ctx);
		case 'capture':
			return evaluateCapture(checkpoint, ctx);
		case 'question':
			return evaluateQuestion(checkpoint, ctx, answer);
		case 'wait':
			return evaluateWait(checkpoint, ctx);
	}
}

type Ran = { ok: true; exit: number; stdout: string } | { ok: false; verdict: Verdict };

async function run(ctx: GraderContext, node: string, command: string, timeoutMs = defaultCheckTimeoutMs): Promise<Ran> {
	try {
		const result = await ctx.exec(node, command, { timeoutMs });
		return { ok: true, exit: result.exit, stdout: result.stdout };
	} catch (error) {
		return { ok: false, verdict: unavailable(message('node-unavailable', { node, reason: reasonOf(error) })) };
	}
}

async function evaluateExec(checkpoint: ExecCheckpoint, ctx: GraderContext): Promise<Verdict> {
	const { node, expect } = checkpoint;
	const ran = await run(ctx, node, checkpoint.run, checkpoint.timeoutMs);
	if (!ran.ok) return ran.verdict;
	const output = ran.stdout.slice(0, excerptLength);
	// Output that lacks a line proves nothing when the command failed (a dead dockerd prints nothing): 0 unless told.
	const exit = expect.exit ?? (expect.stdoutNot !== undefined ? 0 : undefined);
	if (exit !== undefined && ran.exit !== exit) return failed(message('exit-mismatch', { node, expected: exit, actual: ran.exit, output }));
	if (expect.stdout !== undefined && !new RegExp(expect.stdout, 'm').test(ran.stdout))
		return failed(message('stdout-mismatch', { node, pattern: expect.stdout, output }));
	if (expect.stdoutNot !== undefined) {
		const forbidden = new RegExp(expect.stdoutNot, 'm');
		const line = ran.stdout.split('\n').find((text) => forbidden.test(text)) ?? forbidden.exec(ran.stdout)?.[0];
		if (line !== undefined) return failed(message('stdout-forbidden', { node, pattern: expect.stdoutNot, line: line.trim(), output }));
	}
	return passed(message('exec-passed', { node }));
}

/** The filter as the capture takes it: a VNI to read from a node is read now. */
async function resolveFilter(written: ChapterCaptureFilter, ctx: GraderContext): Promise<{ ok: true; filter: CaptureFilter } | { ok: false; verdict: Verdict }> {
	const { vni, ...rest } = written;
	const filter: CaptureFilter = rest;
	if (typeof vni === 'number') filter.vni = vni;
	else if (vni) {
		const ran = await run(ctx, vni.node, vni.run);
		if (!ran.ok) return ran;
		const found = ran.exit === 0 ? /\d+/.exec(ran.stdout) : null;
		if (!found) return { ok: false, verdict: failed(message('vni-unreadable', { node: vni.node, output: ran.stdout.slice(0, excerptLength) })) };
		filter.vni = Number(found[0]);
	}
	return { ok: true, filter };
}

/** Where a capture checkpoint's window opens (switch clock). */
export function windowStart(checkpoint: CaptureCheckpoint, ctx: Pick<GraderContext, 'stepStartedAt' | 'chapterStartedAt'>): number {
	return checkpoint.since === 'step' ? ctx.stepStartedAt : ctx.chapterStartedAt;
}

async function evaluateCapture(checkpoint: CaptureCheckpoint, ctx: GraderContext): Promise<Verdict> {
	const since = windowStart(checkpoint, ctx);
	const resolved = await resolveFilter(checkpoint.filter, ctx);
	if (!resolved.ok) return resolved.verdict;
	const filter = resolved.filter;
	const evidence = checkpoint.evidence && (await resolveFilter(checkpoint.evidence, ctx));
	if (evidence && !evidence.ok) return evidence.verdict;
	let count: number;
	let evidenceCount = 0;
	try {
		// Frames dropped from the capture since the window opened would make any count a guess.
		if (since <= ctx.framesLostUpTo()) return unavailable(message('capture-window-lost'));
		count = ctx.countFrames(filter, since);
		if (evidence) evidenceCount = ctx.countFrames(evidence.filter, since);
	} catch (error) {
		return unavailable(message('capture-unavailable', { reason: reasonOf(error) }));
	}
	if (checkpoint.none) {
		if (count > 0) return failed(message('frames-forbidden', { count }));
		// A silent wire proves nothing by itself: the traffic the check is about must have flowed.
		return evidenceCount > 0 ? passed(message('no-frames', { evidence: evidenceCount })) : failed(message('no-evidence'));
	}
	const params = { count, min: checkpoint.min, ...(filter.vni !== undefined ? { vni: filter.vni } : {}) };
	return count >= checkpoint.min ? passed(message('frames-seen', params)) : failed(message('frames-missing', params));
}

/** A `wait` condition asked once: it holds now or it does not (automatic grading asks again as commands end). */
async function evaluateWait(checkpoint: WaitCheckpoint, ctx: GraderContext): Promise<Verdict> {
	const probe = probeOf(checkpoint.until);
	const ran = await run(ctx, checkpoint.node, probe.command, checkpoint.timeoutMs);
	if (!ran.ok) return ran.verdict;
	if (probe.holds({ exit: ran.exit, stdout: ran.stdout, stderr: '' })) return passed(message('exec-passed', { node: checkpoint.node }));
	return failed(message('stdout-mismatch', { node: checkpoint.node, output: ran.stdout.slice(0, excerptLength) }));
}

async function evaluateQuestion(checkpoint: QuestionCheckpoint, ctx: GraderContext, answer?: string): Promise<Verdict> {
	if (answer === undefined || !answer.trim()) return failed(message('no-answer'));
	const { node, run: command, timeoutMs } = checkpoint.answer;
	const ran = await run(ctx, node, command, timeoutMs);
	if (!ran.ok) return ran.verdict;
	const expected = ran.stdout.trim();
	if (ran.exit !== 0 || !expected) return failed(message('answer-not-computable', { node }));
	return compareAnswer(checkpoint.match, answer, expected, node);
}

/** Whether a student's answer matches the value computed from the machines. */
export function compareAnswer(match: QuestionCheckpoint['match'], answer: string, expected: string, node: string): Verdict {
	const given = answer.trim();
	switch (match) {
		case 'exact':
			return sameText(given, expected) ? passed(message('answer-correct')) : failed(message('answer-wrong'));
		case 'number': {
			const want = parseNumber(expected);
			if (Number.isNaN(want)) return failed(message('answer-not-computable', { node }));
			const got = parseNumber(given);
			if (Number.isNaN(got)) return failed(message('answer-not-number'));
			return got === want ? passed(message('answer-correct')) : failed(message('answer-wrong'));
		}
		case 'regex': {
			let pattern: RegExp;
			try {
				pattern = new RegExp(`^(?:${expected})$`, 'i');
			} catch {
				return failed(message('answer-not-computable', { node }));
			}
			return pattern.test(given) ? passed(message('answer-correct')) : failed(message('answer-wrong'));
		}
	}
}

/** Case and runs of spaces do not matter: "True" answers "true", "10.0.0.0 / 24" does not answer "10.0.0.0/24". */
function sameText(a: string, b: string): boolean {
	const normal = (text: string) => text.replace(/\s+/g, ' ').toLowerCase();
	return normal(a) === normal(b);
}

/** "3", " 3.0 ", "4 097" and the French "1,5" are numbers; "3 nodes" is not. */
export function parseNumber(text: string): number {
	const compact = text.trim().replace(/[\s_\u00a0\u202f]/g, '').replace(/^(-?\d+),(\d+)$/, '$1.$2');
	return /^-?(\d+\.?\d*|\.\d+)$/.test(compact) ? Number(compact) : NaN;
}

function reasonOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
