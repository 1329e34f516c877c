import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from 'vitest';
import { loadChapter } from '../../labs/engine/chapter-loader.server.ts';

const root = resolve(import.meta.dirname, '../..');
const example = resolve(import.meta.dirname, 'fixtures/readme-example/01-first-ping');
const read = (path: string) => readFileSync(path, 'utf8');

test('the example of the instructors’ guide loads', () => {
	const chapter = loadChapter(example);
	expect(chapter.checkpoints.map((cp) => cp.kind)).toEqual(['exec', 'capture', 'question']);
});

test.each([
	['README.md', ['chapter.yaml', 'en.md', 'fr.md']],
	['LISEZMOI.md', ['chapter.yaml', 'fr.md']],
])('labs/%s shows the example files unchanged', (guide, files) => {
	const text = read(resolve(root, 'labs', guide));
	for (const file of files) expect(text).toContain(read(resolve(example, file)));
});
