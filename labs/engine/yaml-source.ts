// A YAML text parsed with its line numbers kept, so schema problems point at the line that holds them.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { ZodError } from 'zod';
import type { ErrorSink } from './lab-error.ts';

type Issue = ZodError['issues'][number];
type Path = readonly PropertyKey[];

/** How a path reads in a message: a context ("checkpoint "x": ") and the field inside it ("expect.stdout"). */
export type DescribePath = (path: Path) => { context: string; field: string };

export const plainPath: DescribePath = (path) => ({ context: '', field: fieldName(path) });

export function fieldName(path: Path): string {
	return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i ? '.' : ''}${String(key)}`)).join('');
}

// Our own messages are whole sentences that name their field; zod's generic ones need the field named before them.
const selfExplained = new Set<Issue['code']>(['custom', 'invalid_value', 'invalid_union']);

export class YamlSource {
	private constructor(
		private readonly doc: Document,
		private readonly lines: LineCounter,
		/** Lines above the YAML in its file (the `---` of a frontmatter). */
		private readonly lineOffset: number,
	) {}

	/** Parses; reports syntax errors to the sink and returns undefined when the text is not valid YAML. */
	static parse(text: string, sink: ErrorSink, lineOffset = 0): YamlSource | undefined {
		const lines = new LineCounter();
		const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
		if (doc.errors.length) {
			// Only the first: the parser's later errors are usually echoes of it.
			const [error] = doc.errors;
			const line = error.linePos ? error.linePos[0].line + lineOffset : undefined;
			sink.add(line, `invalid YAML: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
			return undefined;
		}
		return new YamlSource(doc, lines, lineOffset);
	}

	get data(): unknown {
		return this.doc.toJS();
	}

	private lineAt(offset: number | undefined): number | undefined {
		return offset === undefined ? undefined : this.lines.linePos(offset).line + this.lineOffset;
	}

	/** The line of the value at `path`; for a missing field, the line that names its parent (`version:`, `- id: x`). */
	lineOf(path: Path, { keyLine = false } = {}): number {
		let node: unknown = this.doc.contents;
		let line = this.lineAt(rangeStart(node)) ?? 1 + this.lineOffset;
		let entry = line;
		for (const key of path) {
			if (isMap(node)) {
				const pair = node.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === key);
				if (!pair) return entry;
				entry = this.lineAt(rangeStart(pair.key)) ?? line;
				node = pair.value;
				line = keyLine ? entry : (this.lineAt(rangeStart(node)) ?? entry);
			} else if (isSeq(node) && typeof key === 'number' && node.items[key] !== undefined) {
				node = node.items[key];
				line = entry = this.lineAt(rangeStart(node)) ?? line;
			} else return entry;
		}
		return line;
	}

	/** Reports each schema issue at its line, in words an author understands. */
	report(issues: readonly Issue[], sink: ErrorSink, describe: DescribePath = plainPath) {
		for (const issue of issues) {
			if (issue.code === 'unrecognized_keys') {
				for (const key of issue.keys) {
					const { context } = describe(issue.path);
					sink.add(this.lineOf([...issue.path, key], { keyLine: true }), `${context}unknown field "${key}"`);
				}
				continue;
			}
			const { context, field } = describe(issue.path);
			const lastKey = String(issue.path.at(-1) ?? '');
			const named = selfExplained.has(issue.code) || !field || (lastKey !== '' && issue.message.includes(lastKey));
			const message = named ? issue.message : `${field}: ${issue.message}`;
			sink.add(this.lineOf(issue.path), `${context}${message}`);
		}
	}
}

function rangeStart(node: unknown): number | undefined {
	const range = (node as { range?: [number, number, number] } | null)?.range;
	return range?.[0];
}
