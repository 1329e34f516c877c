// One chapter in one language, read from labs/ at build time; every chapter is listed for both languages.
import { error } from '@sveltejs/kit';
import { languages } from '$lib/i18n/index.ts';
import { allChapters, labChapter } from '$lib/server/chapters.ts';
import type { EntryGenerator, PageServerLoad } from './$types';

export const entries: EntryGenerator = () => languages.flatMap((lang) => allChapters().map((chapter) => ({ lang, chapter: chapter.slug })));

export const load: PageServerLoad = ({ params }) => {
	const chapter = labChapter(params.chapter, params.lang);
	if (!chapter) error(404, `no chapter "${params.chapter}"`);
	return { chapter };
};
