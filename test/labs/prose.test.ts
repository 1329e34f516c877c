import { expect, test } from 'vitest';
import { ErrorSink } from '../../labs/engine/lab-error.ts';
import { renderInline, renderProse } from '../../labs/engine/prose.ts';

const nodes = ['manager', 'worker1'];

function render(body: string, bodyLine = 1) {
	const sink = new ErrorSink('x.md');
	const prose = renderProse(body, bodyLine, nodes, sink);
	return { ...prose, problems: sink.errors.map((e) => `${e.line}: ${e.problem}`) };
}

test.each([
	['```sh manager\ndocker ps\n```', [{ kind: 'command', node: 'manager', code: 'docker ps' }]],
	['```bash worker1\nip -d link\nbridge fdb show\n```', [{ kind: 'command', node: 'worker1', code: 'ip -d link\nbridge fdb show' }]],
	['```sh\necho no node\n```', [{ kind: 'html', html: '<pre><code class="language-sh">echo no node\n</code></pre>\n' }]],
	['```checkpoint\nnodes-ready\n```', [{ kind: 'checkpoint', id: 'nodes-ready' }]],
	// A file keeps its last newline: what the editor saves is the file, byte for byte.
	['```file manager stack.yml\nservices:\n  web:\n    image: nginx\n```', [{ kind: 'file', node: 'manager', path: 'stack.yml', code: 'services:\n  web:\n    image: nginx\n' }]],
	['<script>alert(1)</script>', [{ kind: 'html', html: '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n' }]],
	['<img src=x onerror=alert(1)>', [{ kind: 'html', html: '<p>&lt;img src=x onerror=alert(1)&gt;</p>\n' }]],
	['[click](javascript:alert(1))', [{ kind: 'html', html: '<p>[click](javascript:alert(1))</p>\n' }]],
])('%j', (body, segments) => {
	const prose = render(body);
	expect(prose.problems).toEqual([]);
	expect(prose.segments).toEqual(segments);
});

test('prose around commands is kept in order, and placements carry their file line', () => {
	const prose = render('Intro\n\n```sh manager\nls\n```\n\nMiddle\n\n```checkpoint\na\n```\n\nEnd\n', 10);
	expect(prose.segments.map((s) => s.kind)).toEqual(['html', 'command', 'html', 'checkpoint', 'html']);
	expect(prose.placements).toEqual([{ id: 'a', line: 18 }]);
});

test.each([
	['```sh worker2\nls\n```', '1: command block: node "worker2" is not one of this chapter\'s nodes (manager, worker1)'],
	['```sh worker3\nls\n```', '1: command block: unknown node "worker3" (known: manager, worker1, worker2)'],
	['```sh manager extra\nls\n```', '1: unexpected "extra" after the node name in "sh manager extra"'],
	['```sh manager\n\n```', '1: empty command block for manager'],
	['```file manager\nx: 1\n```', '1: a file block names its node then one path, as in "file manager stack.yml", not "file manager"'],
	['```file manager a.yml b.yml\nx: 1\n```', '1: a file block names its node then one path, as in "file manager stack.yml", not "file manager a.yml b.yml"'],
	['```file worker3 a.yml\nx: 1\n```', '1: file block: unknown node "worker3" (known: manager, worker1, worker2)'],
	['```file manager a.yml\n\n```', '1: empty file block for manager'],
	['```checkpoint\na b\n```', '1: a checkpoint block holds one checkpoint id and nothing else'],
	['```checkpoint\na\n```\n\n```checkpoint\na\n```', '5: checkpoint "a" is placed twice'],
	['> ```checkpoint\n> a\n> ```', '1: a checkpoint block must stand at the top level, not inside a list or a quote: unindent it'],
])('%j is refused', (body, problem) => {
	expect(render(body).problems).toEqual([problem]);
});

test('hints render inline, without raw HTML', () => {
	expect(renderInline('Run `docker ps` <b>now</b>')).toBe('Run <code>docker ps</code> &lt;b&gt;now&lt;/b&gt;');
});

test('French text gets narrow no-break spaces before high punctuation, code does not', () => {
	const sink = new ErrorSink('fr.md');
	const [segment] = renderProse('Le swarm : trois nœuds ! « Voilà » `a : b`', 1, nodes, sink, 'fr').segments;
	expect(segment).toEqual({ kind: 'html', html: '<p>Le swarm\u202f: trois nœuds\u202f! «\u202fVoilà\u202f» <code>a : b</code></p>\n' });
	expect(renderInline('Sur `x` : oui', 'fr')).toBe('Sur <code>x</code>\u202f: oui');
	expect(renderInline('On `x`: yes', 'en')).toBe('On <code>x</code>: yes');
});
