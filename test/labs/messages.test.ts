import { expect, test } from 'vitest';
import { formatMessage, message, messages } from '../../labs/engine/messages.ts';

const placeholders = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test.each(Object.keys(messages.en))('%s has the same placeholders in French and English', (code) => {
	const key = code as keyof typeof messages.en;
	expect(placeholders(messages.fr[key])).toEqual(placeholders(messages.en[key]));
});

test('formats a message in each language', () => {
	const detail = message('frames-missing', { count: 1, min: 3 });
	expect(formatMessage('en', detail)).toBe('Matching frames seen on the wire so far: 1 of the 3 needed.');
	expect(formatMessage('fr', detail)).toBe('Trames correspondantes vues sur le fil jusqu’ici : 1 sur les 3 nécessaires.');
});

test('a missing parameter stays visible', () => {
	expect(formatMessage('en', message('exit-mismatch', { node: 'worker1' }))).toContain('code {actual} instead of {expected}');
});
