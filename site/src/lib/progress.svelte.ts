// The student's progress, per chapter and checkpoint, kept in this browser's localStorage and exportable as a JSON
// report that can be imported again. Reading, merging and the report format are in progress-data.ts.
import type { VerdictStatus } from '$labs/grader.ts';
import type { Language } from '$labs/types.ts';
import { buildReport, mergeProgress, progressOfReport, readProgress, writeProgress, type ChapterProgress, type Chapters, type ReportChapter } from './progress-data.ts';

export type { ChapterProgress, CheckpointProgress, ProgressReport, ReportChapter } from './progress-data.ts';

const storageKey = 'swarmlab.progress.v1';
/** Saved progress this code could not read is copied under this prefix (with the time) before anything is saved. */
const asidePrefix = 'swarmlab.progress.unreadable.';

class ProgressStore {
	chapters = $state<Chapters>({});
	/** The browser refused the last save (storage full or disabled): the page says so. */
	saveRefused = $state(false);
	private loaded = false;
	/** False when unreadable progress could not be set aside: then nothing is saved over it. */
	private writable = true;

	/** Reads localStorage once in the browser (a no-op while prerendering) and follows changes made in other tabs. */
	load() {
		if (this.loaded || typeof localStorage === 'undefined') return;
		this.loaded = true;
		this.chapters = this.readStored();
		window.addEventListener('storage', (event) => {
			if (event.key === storageKey) this.chapters = this.readStored();
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
		// A checkpoint skipped before it was ever passed stays skipped: the solution, not the student, made it true.
		const skippedAt = previous?.passedAt ? undefined : previous?.skippedAt;
		const passedAt = previous?.passedAt ?? (status === 'passed' && !skippedAt ? now : undefined);
		chapter.checkpoints[checkpointId] = {
			status: skippedAt && status === 'passed' ? 'skipped' : status,
			attempts: (previous?.attempts ?? 0) + 1,
			firstAttemptAt: previous?.firstAttemptAt ?? now,
			lastAttemptAt: now,
			...(passedAt ? { passedAt } : {}),
			...(skippedAt ? { skippedAt } : {}),
		};
		if (!chapter.completedAt && allCheckpointIds.every((id) => chapter.checkpoints[id]?.passedAt)) chapter.completedAt = now;
		this.save();
	}

	/** The machines were brought past this checkpoint by skip ahead: marked skipped unless it was passed before. */
	skip(chapterId: string, checkpointId: string, now = new Date().toISOString()) {
		this.load();
		this.chapters[chapterId] ??= { openedAt: now, lastVisitAt: now, checkpoints: {} };
		const previous = this.chapters[chapterId].checkpoints[checkpointId];
		if (previous?.passedAt) return;
		this.chapters[chapterId].checkpoints[checkpointId] = {
			status: 'skipped',
			attempts: previous?.attempts ?? 0,
			firstAttemptAt: previous?.firstAttemptAt ?? now,
			lastAttemptAt: previous?.lastAttemptAt ?? now,
			skippedAt: previous?.skippedAt ?? now,
		};
		this.save();
	}

	/** Merges a previously exported report into this browser's progress; returns how many passes it holds. */
	importReport(text: string): number {
		this.load();
		const imported = progressOfReport(text);
		this.chapters = mergeProgress($state.snapshot(this.chapters), imported);
		this.save();
		return Object.values(imported).reduce((sum, chapter) => sum + Object.values(chapter.checkpoints).filter((entry) => entry.passedAt).length, 0);
	}

	/** Saves the report as a file through the browser's download. */
	download(chapters: readonly ReportChapter[], language: Language) {
		const report = buildReport($state.snapshot(this.chapters), chapters, language, new Date().toISOString());
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

	private readStored(): Chapters {
		let raw: string | null;
		try {
			raw = localStorage.getItem(storageKey);
		} catch {
			return {};
		}
		const read = readProgress(raw);
		if (read.unreadable !== undefined) this.setAside(read.unreadable);
		return read.chapters;
	}

	/** Keeps a copy of what could not be read; if even that fails, the original is never saved over. */
	private setAside(raw: string) {
		try {
			const already = Object.keys(localStorage).some((key) => key.startsWith(asidePrefix) && localStorage.getItem(key) === raw);
			if (!already) localStorage.setItem(`${asidePrefix}${new Date().toISOString()}`, raw);
		} catch {
			this.writable = false;
			this.saveRefused = true;
		}
	}

	private save() {
		if (!this.writable) return;
		try {
			localStorage.setItem(storageKey, writeProgress($state.snapshot(this.chapters)));
			this.saveRefused = false;
		} catch {
			// Storage full or disabled (private mode): progress then lasts as long as the tab, and the page says so.
			this.saveRefused = true;
		}
	}
}

export const progress = new ProgressStore();
