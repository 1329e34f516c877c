import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
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

describe('the packet inspector’s words', () => {
	// Every field a protocol module names (`id: 'ipv4.ttl'`) and every layer the dissector makes has its words in both
	// languages: read from the sources, so a field added later cannot be shown as a bare key.
	const packetDir = resolve(import.meta.dirname, '../../../emulator/network/packet');
	const sources = readdirSync(packetDir).map((file) => readFileSync(resolve(packetDir, file), 'utf8'));
	const fieldIds = sources.flatMap((source) => [...source.matchAll(/\bid: '([a-z0-9]+\.[a-zA-Z]+)'/g)].map((match) => match[1]));
	const layerNames = /export type LayerName = ([^;]+);/.exec(sources.join('\n'))![1].match(/'(\w+)'/g)!.map((name) => name.slice(1, -1));

	test('the sources name fields and layers (the patterns still find them)', () => {
		expect(fieldIds).toContain('vxlan.vni');
		expect(fieldIds).toContain('icmp.mtu');
		expect(layerNames).toContain('esp');
	});

	test.each(['en', 'fr'] as const)('every field and layer has a name in %s', (lang) => {
		const keys = Object.keys(dictionaries[lang]);
		const missing = [...fieldIds.map((id) => `wire.field.${id}`), ...layerNames.map((name) => `wire.layer.${name}`)].filter((key) => !keys.includes(key));
		expect(missing).toEqual([]);
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
