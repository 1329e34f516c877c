// What the pages receive about chapters: a catalogue entry, and one chapter in one language (plain JSON from the build).
import type { ChapterNode, ChapterText, Checkpoint, Language, SetupItem, SolutionItem, StartState } from '$labs/types.ts';

export interface ChapterSummary {
	id: string;
	slug: string;
	order: number;
	/** Minutes. */
	duration: number;
	title: string;
	summary: string;
	checkpoints: { id: string; title: string }[];
}

/** A chapter as its lab page needs it, the text of one language only; the solution's steps too (skip ahead runs them). */
export interface LabChapter {
	id: string;
	slug: string;
	order: number;
	duration: number;
	nodes: ChapterNode[];
	start: StartState;
	setup: SetupItem[];
	solution: SolutionItem[];
	checkpoints: Checkpoint[];
	language: Language;
	text: ChapterText;
}
