import { describe, expect, test } from 'vitest';
import { dictionaries, formatBytes, formatPercent, preferredLanguage, t } from '../../../site/src/lib/i18n/index.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('dictionaries', () => {
	test('French and English have the same keys', () => {
		expect(Object.keys(dictionaries.fr).sort()).toEqual(Object.keys(dictionaries.en).sort());
	});

	test.each(Object.keys(dictionaries.en) as (keyof typeof dictionaries.en)[])('%s uses the same placeholders in both languages', (key) => {
		expect(placeholders(dictionaries.fr[key])).toEqual(placeholders(dictionaries.en[key]));
	});
});

describe('t', () => {
	test.each([
		['en', 'Start 3 machines'],
		['fr', 'Démarrer 3 machines'],
	] as const)('fills placeholders (%s)', (lang, expected) => {
		expect(t(lang, 'sandbox.start', { count: 3 })).toBe(expected);
	});

	test('returns a text without placeholders as is', () => {
		expect(t('fr', 'checkpoint.check')).toBe('Vérifier');
	});
});

describe('preferredLanguage', () => {
	test.each([
		[['fr-FR', 'en'], 'fr'],
		[['de-DE', 'fr-CA'], 'fr'],
		[['en-GB', 'fr'], 'en'],
		[['de', 'es'], 'en'],
		[[], 'en'],
		[['FR'], 'fr'],
	] as const)('%j → %s', (preferences, expected) => {
		expect(preferredLanguage(preferences)).toBe(expected);
	});
});

describe('number formats', () => {
	test.each([
		['en', 48_300_000, '48.3 MB'],
		['fr', 48_300_000, '48,3 Mo'],
		['en', 28_691, '28.7 kB'],
	] as const)('formatBytes(%s, %d) = %s', (lang, bytes, expected) => {
		expect(formatBytes(lang, bytes).replace(/\s/g, ' ')).toBe(expected);
	});

	test('percentages follow each language', () => {
		expect(formatPercent('en', 42)).toBe('42%');
		expect(formatPercent('fr', 42).replace(/\s/g, ' ')).toBe('42 %');
	});
});
