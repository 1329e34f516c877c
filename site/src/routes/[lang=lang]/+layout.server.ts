// Every page of a language knows the chapter list (catalogue, chapter navigation, progress report).
import { chapterSummaries } from '$lib/server/chapters.ts';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ params }) => ({
	lang: params.lang,
	chapters: chapterSummaries(params.lang),
});
