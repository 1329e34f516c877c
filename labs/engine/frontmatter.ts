// The YAML block between `---` lines at the top of a language file, and what it must say.
import { z } from 'zod';
import type { ErrorSink } from './lab-error.ts';
import { YamlSource, fieldName } from './yaml-source.ts';

const text = (what: string) =>
	z.string({ error: (issue) => (issue.input === undefined ? `${what} is missing` : `${what} must be text`) }).trim().min(1, { error: `${what} must not be empty` });

export const frontmatterSchema = z.strictObject({
	title: text('title'),
	summary: text('summary'),
	checkpoints: z.record(z.string(), z.strictObject({ title: text('title'), hint: text('hint') }), { error: 'checkpoints maps each checkpoint id to { title, hint }' }).default({}),
});

export type Frontmatter = z.output<typeof frontmatterSchema>;

export interface SplitMarkdown {
	/** Undefined when the frontmatter is missing or invalid (the problem went to the sink). */
	frontmatter?: Frontmatter;
	yaml?: YamlSource;
	body: string;
	/** File line (1-based) of the body's first line. */
	bodyLine: number;
}

export function splitFrontmatter(source: string, sink: ErrorSink): SplitMarkdown {
	const lines = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
	if (lines[0].trim() !== '---') {
		sink.add(1, 'missing frontmatter: the file must start with a "---" line, then title, summary and checkpoints, then "---"');
		return { body: lines.join('\n'), bodyLine: 1 };
	}
	const end = lines.findIndex((line, i) => i > 0 && line.trim() === '---');
	if (end < 0) {
		sink.add(1, 'frontmatter is not closed: add a "---" line after it');
		return { body: '', bodyLine: lines.length + 1 };
	}
	const body = lines.slice(end + 1).join('\n');
	const bodyLine = end + 2;
	const yaml = YamlSource.parse(lines.slice(1, end).join('\n'), sink, 1);
	if (!yaml) return { body, bodyLine };
	const parsed = frontmatterSchema.safeParse(yaml.data ?? {});
	if (!parsed.success) {
		yaml.report(parsed.error.issues, sink, (path) =>
			path[0] === 'checkpoints' && path.length > 1
				? { context: `checkpoint "${String(path[1])}": `, field: fieldName(path.slice(2)) }
				: { context: '', field: fieldName(path) },
		);
		return { yaml, body, bodyLine };
	}
	return { frontmatter: parsed.data, yaml, body, bodyLine };
}
