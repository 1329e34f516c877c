// Cross-file rules: every declared checkpoint is placed once in each language, in the same order, with a title and hint.
// The order is the prose's: chapter.yaml may list checkpoints in any order.
import type { SplitMarkdown } from './frontmatter.ts';
import type { ErrorSink } from './lab-error.ts';
import type { Prose } from './prose.ts';
import type { Language } from './types.ts';

export interface LanguageFile {
	language: Language;
	name: string;
	sink: ErrorSink;
	split: SplitMarkdown;
	prose: Prose;
}

export interface Declared {
	id: string;
	/** Line of its `id:` in chapter.yaml. */
	line: number;
}

type Files = Partial<Record<Language, LanguageFile>>;

export function checkPlacements(declared: readonly Declared[], files: Files, yamlSink: ErrorSink) {
	const present = Object.values(files);
	if (!present.length) return;
	const declaredIds = new Set(declared.map((d) => d.id));
	for (const file of present)
		for (const placement of file.prose.placements)
			if (!declaredIds.has(placement.id)) file.sink.add(placement.line, `checkpoint "${placement.id}" is placed here but not declared in chapter.yaml`);

	const everywhere: string[] = [];
	for (const { id, line } of declared) {
		const placedIn = present.filter((file) => file.prose.placements.some((p) => p.id === id));
		if (!placedIn.length) {
			yamlSink.add(line, `checkpoint "${id}" is declared but never placed: add a \`\`\`checkpoint block holding "${id}" to ${present.map((f) => f.name).join(' and ')}`);
		} else if (placedIn.length < present.length) {
			const missing = present.filter((file) => !placedIn.includes(file)).map((file) => file.name);
			for (const file of placedIn)
				file.sink.add(file.prose.placements.find((p) => p.id === id)!.line, `checkpoint "${id}" is placed in ${file.name} but not in ${missing.join(', ')}`);
		} else everywhere.push(id);
	}

	const order = (file: LanguageFile) => file.prose.placements.filter((p) => everywhere.includes(p.id));
	const [reference, ...others] = present;
	for (const file of others) {
		const expected = order(reference);
		const actual = order(file);
		const k = actual.findIndex((placement, i) => placement.id !== expected[i].id);
		if (k < 0) continue;
		file.sink.add(actual[k].line, `checkpoints are not in the same order as in ${reference.name}: "${actual[k].id}" is placed here where ${reference.name} places "${expected[k].id}"`);
	}
}

export function checkTexts(declared: readonly Declared[], files: Files) {
	const declaredIds = new Set(declared.map((d) => d.id));
	for (const file of Object.values(files)) {
		const { frontmatter, yaml } = file.split;
		if (!frontmatter || !yaml) continue;
		const line = yaml.lineOf(['checkpoints'], { keyLine: true });
		for (const { id } of declared)
			if (!frontmatter.checkpoints[id]) file.sink.add(line, `checkpoint "${id}" has no title and hint in the frontmatter of ${file.name}`);
		for (const id of Object.keys(frontmatter.checkpoints))
			if (!declaredIds.has(id)) file.sink.add(yaml.lineOf(['checkpoints', id], { keyLine: true }), `checkpoint "${id}" has texts but is not declared in chapter.yaml`);
	}
}
