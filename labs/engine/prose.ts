// A language file's body to page segments: HTML prose, runnable commands (```sh manager), files to open in the editor
// (```file manager stack.yml) and checkpoint places (```checkpoint).
import MarkdownIt, { type Token } from 'markdown-it';
import { nodeNameProblem } from './chapter-schema.ts';
import type { ErrorSink } from './lab-error.ts';
import type { Language, Segment } from './types.ts';

// html: false — authors write markdown, never raw HTML, so nothing in a lab can inject a script into the page.
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

export const shellLanguages = ['sh', 'bash', 'shell'];

export interface Placement {
	id: string;
	line: number;
}

export interface Prose {
	segments: Segment[];
	/** Checkpoints in the order the prose places them. */
	placements: Placement[];
}

/** Renders `body`; `bodyLine` is the file line of its first line, `nodes` the chapter's node names. */
export function renderProse(body: string, bodyLine: number, nodes: readonly string[], sink: ErrorSink, language?: Language): Prose {
	const tokens = markdown.parse(body, {});
	if (language === 'fr') for (const token of tokens) frenchSpacing(token);
	const segments: Segment[] = [];
	const placements: Placement[] = [];
	let pending: Token[] = [];
	const flush = () => {
		const html = markdown.renderer.render(pending, markdown.options, {});
		if (html.trim()) segments.push({ kind: 'html', html });
		pending = [];
	};

	for (const token of tokens) {
		const special = token.type === 'fence' ? classifyFence(token.info) : undefined;
		if (!special) {
			pending.push(token);
			continue;
		}
		const line = bodyLine + (token.map?.[0] ?? 0);
		if (token.level > 0) {
			sink.add(line, `a ${special.kind} block must stand at the top level, not inside a list or a quote: unindent it`);
			continue;
		}
		if (special.kind === 'checkpoint') {
			const id = token.content.trim();
			if (special.extra.length || !/^\S+$/.test(id)) {
				sink.add(line, 'a checkpoint block holds one checkpoint id and nothing else');
				continue;
			}
			if (placements.some((p) => p.id === id)) {
				sink.add(line, `checkpoint "${id}" is placed twice`);
				continue;
			}
			flush();
			placements.push({ id, line });
			segments.push({ kind: 'checkpoint', id });
			continue;
		}
		if (special.kind === 'command' && special.extra.length) {
			sink.add(line, `unexpected "${special.extra.join(' ')}" after the node name in "${token.info.trim()}"`);
			continue;
		}
		if (special.kind === 'file' && special.extra.length !== 1) {
			sink.add(line, `a file block names its node then one path, as in "file manager stack.yml", not "${token.info.trim()}"`);
			continue;
		}
		const problem = nodeNameProblem(special.node, nodes);
		if (problem) {
			sink.add(line, `${special.kind} block: ${problem}`);
			continue;
		}
		const code = special.kind === 'file' ? token.content : token.content.replace(/\n+$/, '');
		if (!code.trim()) {
			sink.add(line, `empty ${special.kind} block for ${special.node}`);
			continue;
		}
		flush();
		segments.push(special.kind === 'file' ? { kind: 'file', node: special.node, path: special.extra[0], code } : { kind: 'command', node: special.node, code });
	}
	flush();
	return { segments, placements };
}

type FenceKind = { kind: 'checkpoint'; extra: string[] } | { kind: 'command' | 'file'; node: string; extra: string[] };

/** ```checkpoint → a checkpoint; ```sh manager → a command for manager; ```file manager stack.yml → a file to open in
 * the editor; anything else stays a code block. */
function classifyFence(info: string): FenceKind | undefined {
	const [language, node, ...extra] = info.trim().split(/\s+/);
	if (language === 'checkpoint') return { kind: 'checkpoint', extra: node ? [node, ...extra] : [] };
	if (language === 'file') return { kind: 'file', node: node ?? '', extra };
	if (shellLanguages.includes(language) && node) return { kind: 'command', node, extra };
	return undefined;
}

/** Inline markdown (a hint) to HTML, under the same no-HTML rule. */
export function renderInline(text: string, language?: Language): string {
	const tokens = markdown.parseInline(text, {});
	if (language === 'fr') for (const token of tokens) frenchSpacing(token);
	return markdown.renderer.render(tokens, markdown.options, {});
}

// French sets a narrow no-break space before : ; ! ? » and after «, so a line never starts with the sign; code is left alone.
function frenchSpacing(token: Token) {
	if (token.type === 'text') token.content = token.content.replace(/ ([:;!?»])/g, '\u202f$1').replace(/« /g, '«\u202f');
	for (const child of token.children ?? []) frenchSpacing(child);
}
