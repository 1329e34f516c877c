// Saved progress as data: reading what localStorage holds entry by entry (keeping what parses, setting aside what
// does not), merging an imported report. No runes: the store (progress.svelte.ts) and the unit tests share it.
import { z } from 'zod';
import type { VerdictStatus } from '../../../labs/engine/grader.ts';
import type { Language } from '../../../labs/engine/types.ts';

// No code generated at run time: zod would first try `new Function`, which the page's Content-Security-Policy refuses
// (and reports as a violation). Schemas then run interpreted, fast enough for a progress record.
z.config({ jitless: true });

export const progressVersion = 1;

const checkpointSchema = z.object({
	/** `skipped`: the machines were brought past it by the chapter's solution (skip ahead), not by the student. */
	status: z.enum(['passed', 'failed', 'unavailable', 'skipped']),
	attempts: z.number().int().min(0),
	firstAttemptAt: z.string(),
	lastAttemptAt: z.string(),
	passedAt: z.string().optional(),
	/** When the student skipped it, never having passed it: a later pass on those machines does not count. */
	skippedAt: z.string().optional(),
});

const chapterFields = z.object({
	openedAt: z.string(),
	lastVisitAt: z.string(),
	completedAt: z.string().optional(),
	checkpoints: z.record(z.string(), z.unknown()),
});

export type CheckpointProgress = z.infer<typeof checkpointSchema>;
export interface ChapterProgress {
	openedAt: string;
	lastVisitAt: string;
	completedAt?: string;
	checkpoints: Record<string, CheckpointProgress>;
}
export type Chapters = Record<string, ChapterProgress>;

export interface ReadProgress {
	chapters: Chapters;
	/** What could not be read, to keep aside rather than lose; `undefined` when everything was read. */
	unreadable?: string;
}

/**
 * Reads a saved progress document. Every chapter and checkpoint entry that parses is kept; the rest, and a document
 * of a version this code does not know (a newer tab wrote it), is returned as `unreadable` for the caller to keep.
 */
export function readProgress(raw: string | null): ReadProgress {
	if (!raw) return { chapters: {} };
	let document: unknown;
	try {
		document = JSON.parse(raw);
	} catch {
		return { chapters: {}, unreadable: raw };
	}
	const root = z.object({ version: z.unknown(), chapters: z.record(z.string(), z.unknown()) }).safeParse(document);
	if (!root.success) return { chapters: {}, unreadable: raw };
	const chapters: Chapters = {};
	let lost = root.data.version !== progressVersion;
	for (const [id, value] of Object.entries(root.data.chapters)) {
		const chapter = chapterFields.safeParse(value);
		if (!chapter.success) {
			lost = true;
			continue;
		}
		const checkpoints: Record<string, CheckpointProgress> = {};
		for (const [checkpointId, entry] of Object.entries(chapter.data.checkpoints)) {
			const checkpoint = checkpointSchema.safeParse(entry);
			if (checkpoint.success) checkpoints[checkpointId] = checkpoint.data;
			else lost = true;
		}
		chapters[id] = { ...chapter.data, checkpoints };
	}
	return lost ? { chapters, unreadable: raw } : { chapters };
}

export function writeProgress(chapters: Chapters): string {
	return JSON.stringify({ version: progressVersion, chapters });
}

const earliest = (a?: string, b?: string) => (a && b ? (a < b ? a : b) : (a ?? b));
const latest = (a?: string, b?: string) => (a && b ? (a > b ? a : b) : (a ?? b));

function mergeCheckpoint(mine: CheckpointProgress | undefined, theirs: CheckpointProgress): CheckpointProgress {
	if (!mine) return theirs;
	const newer = theirs.lastAttemptAt > mine.lastAttemptAt ? theirs : mine;
	const passedAt = earliest(mine.passedAt, theirs.passedAt);
	const skippedAt = earliest(mine.skippedAt, theirs.skippedAt);
	return {
		status: newer.status,
		attempts: Math.max(mine.attempts, theirs.attempts),
		firstAttemptAt: earliest(mine.firstAttemptAt, theirs.firstAttemptAt)!,
		lastAttemptAt: newer.lastAttemptAt,
		// What counts as passed is a pass time: the first one of either history stays.
		...(passedAt ? { passedAt } : {}),
		...(skippedAt ? { skippedAt } : {}),
	};
}

/** Both histories together: the earliest pass, the latest attempt, the most attempts; nothing passed is lost. */
export function mergeProgress(mine: Chapters, theirs: Chapters): Chapters {
	const merged: Chapters = structuredClone(mine);
	for (const [id, chapter] of Object.entries(theirs)) {
		const current = merged[id];
		if (!current) {
			merged[id] = structuredClone(chapter);
			continue;
		}
		current.openedAt = earliest(current.openedAt, chapter.openedAt)!;
		current.lastVisitAt = latest(current.lastVisitAt, chapter.lastVisitAt)!;
		const completedAt = earliest(current.completedAt, chapter.completedAt);
		if (completedAt) current.completedAt = completedAt;
		for (const [checkpointId, entry] of Object.entries(chapter.checkpoints))
			current.checkpoints[checkpointId] = mergeCheckpoint(current.checkpoints[checkpointId], entry);
	}
	return merged;
}

/** What the report needs to know about a chapter, in the reader's language. */
export interface ReportChapter {
	id: string;
	title: string;
	duration: number;
	checkpoints: { id: string; title: string }[];
}

export interface ProgressReport {
	app: 'SwarmLab';
	format: 1;
	exportedAt: string;
	language: Language;
	chapters: {
		id: string;
		title: string;
		durationMinutes: number;
		openedAt: string | null;
		lastVisitAt: string | null;
		completedAt: string | null;
		passed: number;
		total: number;
		checkpoints: {
			id: string;
			title: string;
			status: VerdictStatus | 'pending' | 'skipped';
			attempts: number;
			firstAttemptAt: string | null;
			lastAttemptAt: string | null;
			passedAt: string | null;
			skippedAt: string | null;
		}[];
	}[];
}

export function buildReport(saved: Chapters, chapters: readonly ReportChapter[], language: Language, now: string): ProgressReport {
	return {
		app: 'SwarmLab',
		format: 1,
		exportedAt: now,
		language,
		chapters: chapters.map((chapter) => {
			const progress = saved[chapter.id];
			const checkpoints = chapter.checkpoints.map(({ id, title }) => {
				const entry = progress?.checkpoints[id];
				return {
					id,
					title,
					status: entry?.status ?? ('pending' as const),
					attempts: entry?.attempts ?? 0,
					firstAttemptAt: entry?.firstAttemptAt ?? null,
					lastAttemptAt: entry?.lastAttemptAt ?? null,
					passedAt: entry?.passedAt ?? null,
					skippedAt: entry?.skippedAt ?? null,
				};
			});
			return {
				id: chapter.id,
				title: chapter.title,
				durationMinutes: chapter.duration,
				openedAt: progress?.openedAt ?? null,
				lastVisitAt: progress?.lastVisitAt ?? null,
				completedAt: progress?.completedAt ?? null,
				passed: checkpoints.filter((checkpoint) => checkpoint.passedAt).length,
				total: checkpoints.length,
				checkpoints,
			};
		}),
	};
}

const reportSchema = z.object({
	app: z.literal('SwarmLab'),
	format: z.literal(1),
	chapters: z.array(
		z.object({
			id: z.string().min(1),
			openedAt: z.string().nullable(),
			lastVisitAt: z.string().nullable(),
			completedAt: z.string().nullable(),
			checkpoints: z.array(
				z.object({
					id: z.string().min(1),
					status: z.enum(['passed', 'failed', 'unavailable', 'pending', 'skipped']),
					attempts: z.number().int().min(0),
					firstAttemptAt: z.string().nullable(),
					lastAttemptAt: z.string().nullable(),
					passedAt: z.string().nullable(),
					// Reports exported before skip ahead existed do not have it.
					skippedAt: z.string().nullable().optional(),
				}),
			),
		}),
	),
});

/** Why a file could not be imported, as a code the page words in the student's language. */
export class ReportImportError extends Error {
	constructor(readonly code: 'not-json' | 'not-report') {
		super(code === 'not-json' ? 'not JSON' : 'not a SwarmLab progress report');
	}
}

/** The progress an exported report holds; throws a ReportImportError when the file is not a SwarmLab report. */
export function progressOfReport(text: string): Chapters {
	let document: unknown;
	try {
		document = JSON.parse(text);
	} catch {
		throw new ReportImportError('not-json');
	}
	const report = reportSchema.safeParse(document);
	if (!report.success) throw new ReportImportError('not-report');
	const chapters: Chapters = {};
	for (const chapter of report.data.chapters) {
		if (!chapter.openedAt) continue;
		const checkpoints: Record<string, CheckpointProgress> = {};
		for (const entry of chapter.checkpoints) {
			if (entry.status === 'pending' || !entry.firstAttemptAt || !entry.lastAttemptAt) continue;
			checkpoints[entry.id] = {
				status: entry.status,
				attempts: entry.attempts,
				firstAttemptAt: entry.firstAttemptAt,
				lastAttemptAt: entry.lastAttemptAt,
				...(entry.passedAt ? { passedAt: entry.passedAt } : {}),
				...(entry.skippedAt ? { skippedAt: entry.skippedAt } : {}),
			};
		}
		chapters[chapter.id] = {
			openedAt: chapter.openedAt,
			lastVisitAt: chapter.lastVisitAt ?? chapter.openedAt,
			...(chapter.completedAt ? { completedAt: chapter.completedAt } : {}),
			checkpoints,
		};
	}
	return chapters;
}
