import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadChapter, loadChapters } from '../../labs/engine/chapter-loader.server.ts';
import { LabError } from '../../labs/engine/lab-error.ts';
import { languages, type Chapter } from '../../labs/engine/types.ts';

const root = resolve(import.meta.dirname, '../..');
const fixtures = resolve(import.meta.dirname, 'fixtures');

function errorsOf(load: () => unknown): LabError[] {
	try {
		load();
	} catch (error) {
		if (error instanceof LabError) return error.errors;
		throw error;
	}
	throw new Error('expected the load to fail');
}

describe('the real chapters', () => {
	const chapters = loadChapters(join(root, 'labs'));

	test('are found in folder order', () => {
		expect(chapters.map((c) => [c.order, c.slug, c.id])).toEqual([
			[1, 'form-swarm', 'form-swarm'],
			[2, 'overlay-service', 'overlay-service'],
			[3, 'dns-discovery', 'dns-discovery'],
			[4, 'encrypted-overlay', 'encrypted-overlay'],
			[5, 'overlay-internals', 'overlay-internals'],
			[6, 'custom-ingress', 'custom-ingress'],
			[7, 'voting-stack', 'voting-stack'],
			[8, 'troubleshooting', 'troubleshooting'],
		]);
	});

	test.each(chapters.map((c) => [c.folder, c] as const))('%s has three checkpoints or more, texts and placements in both languages', (_, chapter) => {
		expect(chapter.checkpoints.length).toBeGreaterThanOrEqual(3);
		expect(chapter.duration).toBeGreaterThanOrEqual(15);
		expect(chapter.duration).toBeLessThanOrEqual(45);
		for (const language of languages) {
			const text = chapter.text[language];
			expect(text.title).not.toBe('');
			const placed = text.segments.flatMap((s) => (s.kind === 'checkpoint' ? [s.id] : []));
			expect(placed).toEqual(chapter.checkpoints.map((cp) => cp.id));
			for (const cp of chapter.checkpoints) expect(text.checkpoints[cp.id].hintHtml).not.toBe('');
			expect(text.segments.some((s) => s.kind === 'command')).toBe(true);
		}
	});

	test('survive a JSON round trip unchanged, as a SvelteKit load result must', () => {
		expect(JSON.parse(JSON.stringify(chapters))).toEqual(chapters);
	});

	test('the first chapter starts fresh, the others from a swarm', () => {
		expect(chapters.map((c) => c.start)).toEqual(['fresh', 'swarm', 'swarm', 'swarm', 'swarm', 'swarm', 'swarm', 'swarm']);
	});
});

describe('the valid fixture', () => {
	const chapter: Chapter = loadChapter(join(fixtures, 'valid/01-sample'));

	test('gives its neutral fields and node addresses', () => {
		expect(chapter).toMatchObject({ slug: 'sample', order: 1, folder: '01-sample', id: 'sample', start: 'fresh', duration: 10 });
		expect(chapter.nodes).toEqual([
			{ name: 'manager', ip: '10.0.3.62' },
			{ name: 'worker1', ip: '10.0.3.63' },
		]);
		expect(chapter.checkpoints[1]).toEqual({ id: 'pinged', kind: 'capture', filter: { proto: 'icmp', from: 'worker1', to: 'manager' }, min: 1, none: false, since: 'chapter' });
		expect(chapter.solution).toEqual([{ node: 'worker1', run: 'ping -c 1 10.0.3.62' }, { check: 'pinged' }]);
	});

	test('splits the prose into html, commands and checkpoints', () => {
		expect(chapter.text.en.segments.map((s) => (s.kind === 'html' ? 'html' : `${s.kind}:${s.kind === 'command' || s.kind === 'file' ? s.node : s.id}`))).toEqual([
			'html',
			'command:manager',
			'checkpoint:docker-runs',
			'command:worker1',
			'checkpoint:pinged',
			'html',
			'checkpoint:version',
		]);
		expect(chapter.text.en.segments[1]).toEqual({ kind: 'command', node: 'manager', code: 'docker info' });
	});

	test('keeps a block without a node as plain code', () => {
		const html = chapter.text.fr.segments.flatMap((s) => (s.kind === 'html' ? [s.html] : [])).join('');
		expect(html).toContain('<pre><code class="language-text">du code simple, sans bouton');
	});

	test('escapes raw HTML: a <script> in the prose is shown, never run', () => {
		const first = chapter.text.en.segments[0];
		expect(first.kind === 'html' && first.html).toContain('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;');
		expect(JSON.stringify(chapter)).not.toContain('<script');
	});

	test('renders hints as inline HTML', () => {
		expect(chapter.text.en.checkpoints.pinged).toEqual({ title: 'worker1 pinged the manager', hintHtml: 'Run <code>ping -c 1 10.0.3.62</code> on worker1.' });
	});

	test('takes the checkpoint order from the prose, whatever order chapter.yaml lists them in', () => {
		const reordered = loadChapter(join(fixtures, 'yaml-order', '01-sample'));
		const placed = reordered.text.en.segments.flatMap((segment) => (segment.kind === 'checkpoint' ? [segment.id] : []));
		expect(reordered.checkpoints.map((checkpoint) => checkpoint.id)).toEqual(placed);
		expect(placed).toEqual(chapter.checkpoints.map((checkpoint) => checkpoint.id));
	});

	test('vni: { network } reads the network\'s VNI on the manager, in a capture and in a question', () => {
		const labs = loadChapters(resolve(import.meta.dirname, '../../labs'));
		const overlay = labs.find((c) => c.id === 'overlay-service')!;
		const command = `docker network inspect my-overlay --format '{{index .Options "com.docker.network.driver.overlay.vxlanid_list"}}'`;
		expect(overlay.checkpoints.find((c) => c.id === 'overlay-vni')).toMatchObject({ answer: { node: 'manager', run: command } });
		const capture = overlay.checkpoints.find((c) => c.id === 'ingress-vxlan');
		expect(capture).toMatchObject({ filter: { vni: { node: 'manager', run: command.replace('my-overlay', 'ingress') } } });
	});

	test('a folder without a number is a draft and is skipped', () => {
		expect(loadChapters(join(fixtures, 'valid')).map((c) => c.folder)).toEqual(['01-sample']);
	});
});

describe('fault steps', () => {
	test('setup and solution may break and heal the wire, in their turn among the commands', () => {
		const chapter = loadChapter(join(fixtures, 'fault-steps', '01-sample'));
		expect(chapter.setup).toEqual([{ fault: { kind: 'latency', ms: 20, between: ['manager', 'worker1'] } }]);
		expect(chapter.solution).toEqual([
			{ fault: { kind: 'drop', proto: 'udp', port: 4789 } },
			{ node: 'worker1', run: 'ping -c 1 10.0.3.62' },
			{ check: 'pinged' },
			{ fault: { kind: 'unplug', node: 'worker1' } },
			{ fault: { kind: 'heal' } },
		]);
	});
});

describe('broken chapters name the file and line to fix', () => {
	test.each([
		['bad-frontmatter', 'fr.md', 3, 'summary must be text'],
		['unknown-node', 'chapter.yaml', 10, 'checkpoint "docker-runs": unknown node "worker3"'],
		['one-language', 'en.md', 30, 'checkpoint "pinged" is placed in en.md but not in fr.md'],
		['unknown-kind', 'chapter.yaml', 15, 'checkpoint "pinged": unknown checkpoint kind "sniff"'],
		['broken-yaml', 'chapter.yaml', 18, 'invalid YAML'],
		['order-mismatch', 'fr.md', 22, 'not in the same order as in en.md: "pinged" is placed here where en.md places "docker-runs"'],
		['bad-regex', 'chapter.yaml', 12, 'checkpoint "docker-runs": expect.stdout: invalid regular expression /^(20\\./'],
		['undeclared-placement', 'en.md', 42, 'checkpoint "stray" is placed here but not declared in chapter.yaml'],
		['never-placed', 'chapter.yaml', 25, 'checkpoint "forgotten" is declared but never placed'],
		['foreign-node-block', 'en.md', 26, 'node "worker2" is not one of this chapter\'s nodes'],
		['missing-hint', 'fr.md', 11, 'checkpoint "version": hint is missing'],
		['nested-command', 'en.md', 20, 'must stand at the top level'],
		['bad-output-reference', 'chapter.yaml', 27, '{{stdout:address}} needs an earlier step with id: address'],
		['partial-swarm', 'chapter.yaml', 3, 'a swarm start restores the saved swarm of manager, worker1, worker2'],
		['bad-fault-port', 'chapter.yaml', 26, 'setup step 1: only udp and tcp have ports'],
		['bad-fault-node', 'chapter.yaml', 31, 'solution step 3: node "worker2" is not one of this chapter\'s nodes (manager, worker1)'],
	])('%s → %s:%i', (fixture, file, line, problem) => {
		const [first] = errorsOf(() => loadChapter(join(fixtures, fixture, '01-sample')));
		expect(first.file).toBe(`${fixture}/01-sample/${file}`);
		expect(first.line).toBe(line);
		expect(first.problem).toContain(problem);
		expect(first.message).toBe(`${fixture}/01-sample/${file}:${line}: ${first.problem}`);
	});

	describe('loadChapters reports every broken chapter at once', () => {
		const labs = mkdtempSync(join(tmpdir(), 'swarmlab-labs-'));
		afterAll(() => rmSync(labs, { recursive: true, force: true }));

		test('in one aggregate error', () => {
			cpSync(join(fixtures, 'unknown-node/01-sample'), join(labs, '01-first'), { recursive: true });
			cpSync(join(fixtures, 'order-mismatch/01-sample'), join(labs, '02-second'), { recursive: true });
			cpSync(join(fixtures, 'valid/01-sample'), join(labs, '03-third'), { recursive: true });
			cpSync(join(fixtures, 'valid/01-sample'), join(labs, '04-fourth'), { recursive: true });
			const errors = errorsOf(() => loadChapters(labs));
			const base = labs.split('/').pop();
			expect(errors.map((e) => `${e.file}:${e.line}`)).toEqual([`${base}/01-first/chapter.yaml:10`, `${base}/02-second/fr.md:22`, `${base}/04-fourth/chapter.yaml:2`]);
			expect(errors[2].problem).toBe('id "sample" is already used by 03-third');
			expect(() => loadChapters(labs)).toThrow(/^3 problems in the labs:\n {2}.*01-first\/chapter.yaml:10: .*\n {2}.*02-second\/fr.md:22: .*\n {2}.*04-fourth/);
		});
	});
});
