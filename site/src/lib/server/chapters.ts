// Build-time access to the chapters in labs/, loaded once per build and cut to what each page shows.
import { resolve } from 'node:path';
import { dev } from '$app/environment';
import { loadChapters } from '$labs/chapter-loader.server.ts';
import type { Chapter, Language } from '$labs/types.ts';
import type { ChapterSummary, LabChapter } from '$lib/chapter-views.ts';

let loaded: Chapter[] | undefined;

/** labs/ unless SWARMLAB_LABS_DIR names another folder (the browser tests build a site from fixture chapters). */
const labsDir = () => resolve(process.env.SWARMLAB_LABS_DIR ?? 'labs');

/** Every published chapter, in order; a content error fails the build with its file and line. */
export function allChapters(): Chapter[] {
	// In `vite dev` an author's edit shows on the next load; a build reads labs/ once.
	if (dev) return loadChapters(labsDir());
	loaded ??= loadChapters(labsDir());
	return loaded;
}

export function chapterSummaries(language: Language): ChapterSummary[] {
	return allChapters().map((chapter) => {
		const text = chapter.text[language];
		return {
			id: chapter.id,
			slug: chapter.slug,
			order: chapter.order,
			duration: chapter.duration,
			title: text.title,
			summary: text.summary,
			checkpoints: chapter.checkpoints.map(({ id }) => ({ id, title: text.checkpoints[id]?.title ?? id })),
		};
	});
}

export function labChapter(slug: string, language: Language): LabChapter | undefined {
	const chapter = allChapters().find((candidate) => candidate.slug === slug);
	if (!chapter) return undefined;
	const { id, order, duration, nodes, start, setup, solution, checkpoints } = chapter;
	return { id, slug, order, duration, nodes, start, setup, solution, checkpoints, language, text: chapter.text[language] };
}
