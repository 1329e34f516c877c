// Reads labs/NN-slug/{chapter.yaml,en.md,fr.md} into Chapters at build time; every problem is reported with its file and line.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { chapterSchema, nodesSchema, type ChapterYaml } from './chapter-schema.ts';
import { knownNodeNames, knownNodes, nodeByName } from './known-nodes.ts';
import { ErrorSink, LabError } from './lab-error.ts';
import { checkPlacements, checkTexts, type LanguageFile } from './placement-checks.ts';
import { renderInline, renderProse } from './prose.ts';
import { splitFrontmatter } from './frontmatter.ts';
import { outputReferences } from './steps.ts';
import { languages, type Chapter, type ChapterNode, type ChapterText, type Language } from './types.ts';
import { YamlSource, fieldName, type DescribePath } from './yaml-source.ts';

const numberedFolder = /^(\d+)-([a-z0-9][a-z0-9-]*)$/;

/** Every numbered chapter folder under `labsDir`, in order; folders without an `NN-` prefix are drafts and skipped. */
export function loadChapters(labsDir: string): Chapter[] {
	const errors: LabError[] = [];
	const chapters: { chapter: Chapter; idLine: number; file: string }[] = [];
	const folders = readdirSync(labsDir)
		.filter((name) => numberedFolder.test(name) && statSync(join(labsDir, name)).isDirectory())
		.sort((a, b) => Number(numberedFolder.exec(a)![1]) - Number(numberedFolder.exec(b)![1]) || a.localeCompare(b));
	for (const folder of folders) {
		const loaded = readChapter(join(labsDir, folder), dirname(labsDir), errors);
		if (loaded) chapters.push(loaded);
	}
	chapters.forEach(({ chapter, idLine, file }, i) => {
		const earlier = chapters.slice(0, i);
		const sameId = earlier.find((other) => other.chapter.id === chapter.id);
		if (sameId) errors.push(new LabError(file, idLine, `id "${chapter.id}" is already used by ${sameId.chapter.folder}`));
		const sameOrder = earlier.find((other) => other.chapter.order === chapter.order);
		if (sameOrder) errors.push(new LabError(file, undefined, `number ${chapter.order} is already used by ${sameOrder.chapter.folder}`));
	});
	if (errors.length) throw LabError.of(errors);
	return chapters.map(({ chapter }) => chapter);
}

/** One chapter folder; throws a LabError (with `.errors` listing every problem found). */
export function loadChapter(dir: string): Chapter {
	const errors: LabError[] = [];
	const loaded = readChapter(dir, dirname(dirname(dir)), errors);
	if (errors.length || !loaded) throw LabError.of(errors);
	return loaded.chapter;
}

function displayPath(root: string, file: string): string {
	return relative(root, file).split(sep).join('/');
}

function readChapter(dir: string, root: string, errors: LabError[]) {
	const folder = basename(dir);
	const yamlFile = join(dir, 'chapter.yaml');
	const sink = new ErrorSink(displayPath(root, yamlFile), errors);
	const numbered = numberedFolder.exec(folder);
	if (!numbered) {
		sink.forFile(displayPath(root, dir)).add(undefined, 'a chapter folder is named NN-slug (a folder without the number is a draft)');
		return undefined;
	}
	const before = errors.length;
	if (!existsSync(yamlFile)) sink.add(undefined, 'missing chapter.yaml');
	const yaml = existsSync(yamlFile) ? YamlSource.parse(readFileSync(yamlFile, 'utf8'), sink) : undefined;
	const data = (yaml?.data ?? {}) as Record<string, unknown>;
	const nodes = yaml ? readNodes(yaml, data, sink) : [...knownNodes];
	const nodeNames = nodes.map((node) => node.name);
	const parsed = yaml ? readChapterYaml(yaml, data, nodes, sink) : undefined;

	const files: Partial<Record<Language, LanguageFile>> = {};
	for (const language of languages) {
		const file = join(dir, `${language}.md`);
		const fileSink = sink.forFile(displayPath(root, file));
		if (!existsSync(file)) {
			fileSink.add(undefined, `missing ${language}.md: every chapter is written in ${languages.join(' and ')}`);
			continue;
		}
		const split = splitFrontmatter(readFileSync(file, 'utf8'), fileSink);
		const prose = renderProse(split.body, split.bodyLine, nodeNames, fileSink, language);
		files[language] = { language, name: `${language}.md`, sink: fileSink, split, prose };
	}
	if (!parsed || !yaml) return undefined;
	const declared = parsed.checkpoints.map((checkpoint, i) => ({ id: checkpoint.id, line: yaml.lineOf(['checkpoints', i, 'id']) }));
	checkPlacements(declared, files, sink);
	checkTexts(declared, files);
	if (errors.length > before) return undefined;

	const text = Object.fromEntries(
		languages.map((language): [Language, ChapterText] => {
			const { split, prose } = files[language]!;
			const frontmatter = split.frontmatter!;
			const checkpointTexts = Object.fromEntries(
				parsed.checkpoints.map(({ id }) => [id, { title: frontmatter.checkpoints[id].title, hintHtml: renderInline(frontmatter.checkpoints[id].hint, language) }]),
			);
			return [language, { title: frontmatter.title, summary: frontmatter.summary, segments: prose.segments, checkpoints: checkpointTexts }];
		}),
	) as Record<Language, ChapterText>;

	const placed = files[languages[0]]!.prose.placements.map((placement) => placement.id);
	const chapter: Chapter = {
		slug: numbered[2],
		order: Number(numbered[1]),
		folder,
		id: parsed.id,
		duration: parsed.duration,
		nodes,
		start: parsed.start,
		setup: parsed.setup.map(withoutUndefined),
		solution: parsed.solution.map(withoutUndefined),
		// In the order the prose places them: chapter.yaml's order does not matter.
		checkpoints: [...parsed.checkpoints].sort((a, b) => placed.indexOf(a.id) - placed.indexOf(b.id)).map(withoutUndefined),
		text,
	};
	return { chapter, idLine: yaml.lineOf(['id']), file: sink.file };
}

function readNodes(yaml: YamlSource, data: Record<string, unknown>, sink: ErrorSink): ChapterNode[] {
	const parsed = nodesSchema.safeParse(data.nodes);
	if (!parsed.success) {
		yaml.report(parsed.error.issues.map((issue) => ({ ...issue, path: ['nodes', ...issue.path] })), sink);
		return [...knownNodes];
	}
	return parsed.data ? parsed.data.map((name) => nodeByName(name)!) : [...knownNodes];
}

function readChapterYaml(yaml: YamlSource, data: Record<string, unknown>, nodes: ChapterNode[], sink: ErrorSink): ChapterYaml | undefined {
	const rawCheckpoints = Array.isArray(data.checkpoints) ? data.checkpoints : [];
	const describe: DescribePath = (path) => {
		const [list, index, ...rest] = path;
		if (typeof index !== 'number') return { context: '', field: fieldName(path) };
		if (list === 'checkpoints') {
			const id = (rawCheckpoints[index] as { id?: unknown } | undefined)?.id;
			return { context: typeof id === 'string' ? `checkpoint "${id}": ` : `checkpoint #${index + 1}: `, field: fieldName(rest) };
		}
		if (list === 'setup' || list === 'solution') return { context: `${list} step ${index + 1}: `, field: fieldName(rest) };
		return { context: '', field: fieldName(path) };
	};
	const parsed = chapterSchema(nodes.map((node) => node.name)).safeParse(data);
	if (!parsed.success) {
		yaml.report(parsed.error.issues, sink, describe);
		return undefined;
	}
	const chapter = parsed.data;
	const before = sink.errors.length;
	checkChapterYaml(chapter, nodes, yaml, sink);
	return sink.errors.length > before ? undefined : chapter;
}

/** What the schema cannot see alone: duplicate ids, outputs used before they exist, check markers, a swarm without manager. */
function checkChapterYaml(chapter: ChapterYaml, nodes: ChapterNode[], yaml: YamlSource, sink: ErrorSink) {
	const ids = new Set<string>();
	chapter.checkpoints.forEach(({ id }, i) => {
		if (ids.has(id)) sink.add(yaml.lineOf(['checkpoints', i, 'id']), `checkpoint "${id}" is declared twice`);
		ids.add(id);
	});
	// The swarm start state is saved with all three nodes in it: a chapter that leaves one out would see it Down.
	if (chapter.start === 'swarm' && nodes.length !== knownNodes.length) {
		sink.add(yaml.lineOf(['start']), `a swarm start restores the saved swarm of ${knownNodeNames.join(', ')}: list them all in nodes, or start fresh`);
	}
	const outputs = new Set<string>();
	const checked = new Set<string>();
	const walk = (list: 'setup' | 'solution', items: ChapterYaml['solution']) =>
		items.forEach((item, i) => {
			if ('check' in item) {
				const line = yaml.lineOf([list, i, 'check']);
				if (!ids.has(item.check)) sink.add(line, `solution step ${i + 1}: no checkpoint "${item.check}" to check`);
				else if (checked.has(item.check)) sink.add(line, `solution step ${i + 1}: checkpoint "${item.check}" is checked twice`);
				checked.add(item.check);
				return;
			}
			if ('fault' in item) return;
			for (const reference of outputReferences(item.run))
				if (!outputs.has(reference))
					sink.add(yaml.lineOf([list, i, 'run']), `${list} step ${i + 1}: {{stdout:${reference}}} needs an earlier step with id: ${reference}`);
			if (item.id && outputs.has(item.id)) sink.add(yaml.lineOf([list, i, 'id']), `${list} step ${i + 1}: step id "${item.id}" is already used`);
			if (item.id) outputs.add(item.id);
		});
	walk('setup', chapter.setup);
	walk('solution', chapter.solution);
}

/** JSON has no undefined: drop optional fields that were left out, so a chapter round-trips through JSON unchanged. */
function withoutUndefined<T extends object>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}
