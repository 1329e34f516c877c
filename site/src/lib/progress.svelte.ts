// The student's progress, per chapter and checkpoint, kept in this browser's localStorage and exportable as a JSON report.
import { z } from 'zod';
import type { VerdictStatus } from '$lib/labs/grader.ts';
import type { Language } from '$lib/labs/types.ts';

const storageKey = 'swarmlab.progress.v1';

const checkpointSchema = z.object({
	status: z.enum(['passed', 'failed', 'unavailable']),
	attempts: z.number().int().min(0),
	firstAttemptAt: z.string(),
	lastAttemptAt: z.string(),
	passedAt: z.string().optional(),
});

const chapterSchema = z.object({
	openedAt: z.string(),
	lastVisitAt: z.string(),
	completedAt: z.string().optional(),
	checkpoints: z.record(z.string(), checkpointSchema),
});

const savedSchema = z.object({ version: z.literal(1), chapters: z.record(z.string(), chapterSchema) });

export type CheckpointProgress = z.infer<typeof checkpointSchema>;
export type ChapterProgress = z.infer<typeof chapterSchema>;

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
			status: VerdictStatus | 'pending';
			attempts: number;
			firstAttemptAt: string | null;
			lastAttemptAt: string | null;
			passedAt: string | null;
		}[];
	}[];
}

class ProgressStore {
	chapters = $state<Record<string, ChapterProgress>>({});
	private loaded = false;

	/** Reads localStorage once in the browser (a no-op while prerendering) and follows changes made in other tabs. */
	load() {
		if (this.loaded || typeof localStorage === 'undefined') return;
		this.loaded = true;
		this.chapters = readSaved();
		window.addEventListener('storage', (event) => {
			if (event.key === storageKey) this.chapters = readSaved();
		});
	}

	chapter(id: string): ChapterProgress | undefined {
		return this.chapters[id];
	}

	/** Checkpoints of the chapter passed at least once. */
	passedCount(chapterId: string, checkpointIds: readonly string[]): number {
		const saved = this.chapters[chapterId]?.checkpoints ?? {};
		return checkpointIds.filter((id) => saved[id]?.passedAt).length;
	}

	visit(chapterId: string, now = new Date().toISOString()) {
		this.load();
		const chapter = this.chapters[chapterId];
		if (chapter) chapter.lastVisitAt = now;
		else this.chapters[chapterId] = { openedAt: now, lastVisitAt: now, checkpoints: {} };
		this.save();
	}

	record(chapterId: string, checkpointId: string, status: VerdictStatus, allCheckpointIds: readonly string[], now = new Date().toISOString()) {
		this.load();
		this.chapters[chapterId] ??= { openedAt: now, lastVisitAt: now, checkpoints: {} };
		const chapter = this.chapters[chapterId];
		const previous = chapter.checkpoints[checkpointId];
		chapter.checkpoints[checkpointId] = {
			status,
			attempts: (previous?.attempts ?? 0) + 1,
			firstAttemptAt: previous?.firstAttemptAt ?? now,
			lastAttemptAt: now,
			passedAt: previous?.passedAt ?? (status === 'passed' ? now : undefined),
		};
		if (!chapter.completedAt && allCheckpointIds.every((id) => chapter.checkpoints[id]?.passedAt)) chapter.completedAt = now;
		this.save();
	}

	report(chapters: readonly ReportChapter[], language: Language, now = new Date().toISOString()): ProgressReport {
		return {
			app: 'SwarmLab',
			format: 1,
			exportedAt: now,
			language,
			chapters: chapters.map((chapter) => {
				const saved = this.chapters[chapter.id];
				const checkpoints = chapter.checkpoints.map(({ id, title }) => {
					const entry = saved?.checkpoints[id];
					return {
						id,
						title,
						status: entry?.status ?? ('pending' as const),
						attempts: entry?.attempts ?? 0,
						firstAttemptAt: entry?.firstAttemptAt ?? null,
						lastAttemptAt: entry?.lastAttemptAt ?? null,
						passedAt: entry?.passedAt ?? null,
					};
				});
				return {
					id: chapter.id,
					title: chapter.title,
					durationMinutes: chapter.duration,
					openedAt: saved?.openedAt ?? null,
					lastVisitAt: saved?.lastVisitAt ?? null,
					completedAt: saved?.completedAt ?? null,
					passed: checkpoints.filter((checkpoint) => checkpoint.passedAt).length,
					total: checkpoints.length,
					checkpoints,
				};
			}),
		};
	}

	/** Saves the report as a file through the browser's download. */
	download(chapters: readonly ReportChapter[], language: Language) {
		const report = this.report(chapters, language);
		const blob = new Blob([JSON.stringify(report, null, '\t')], { type: 'application/json' });
		const url = URL.createObjectURL(blob);
		const link = document.createElement('a');
		link.href = url;
		link.download = `swarmlab-report-${report.exportedAt.slice(0, 19).replace(/:/g, '-')}.json`;
		document.body.append(link);
		link.click();
		link.remove();
		setTimeout(() => URL.revokeObjectURL(url), 10_000);
	}

	private save() {
		try {
			localStorage.setItem(storageKey, JSON.stringify({ version: 1, chapters: $state.snapshot(this.chapters) }));
		} catch {
			// Storage full or disabled (private mode): progress then lasts as long as the tab.
		}
	}
}

function readSaved(): Record<string, ChapterProgress> {
	try {
		const raw = localStorage.getItem(storageKey);
		if (!raw) return {};
		const parsed = savedSchema.safeParse(JSON.parse(raw));
		return parsed.success ? parsed.data.chapters : {};
	} catch {
		return {};
	}
}

export const progress = new ProgressStore();
