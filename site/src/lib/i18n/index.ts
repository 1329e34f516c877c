// t(lang, key, params): the interface's words in the reader's language, with typed keys and placeholders.
import { languages, type Language } from '../../../../labs/engine/types.ts';
import type { MessageKey, MessageParams, Placeholders } from './dictionary.ts';
import { en } from './en.ts';
import { fr } from './fr.ts';

export type { MessageKey } from './dictionary.ts';
export { languages, type Language };

export const dictionaries = { en, fr } as const;

/** Fails to compile, naming the key, when the French text does not use exactly the English placeholders. */
type PlaceholderMismatch = {
	[K in MessageKey]: [Placeholders<(typeof en)[K]>] extends [Placeholders<(typeof fr)[K]>]
		? [Placeholders<(typeof fr)[K]>] extends [Placeholders<(typeof en)[K]>]
			? never
			: K
		: K;
}[MessageKey];
const placeholdersAgree: [PlaceholderMismatch] extends [never] ? true : PlaceholderMismatch = true;
void placeholdersAgree;

type ParamsArgument<K extends MessageKey> = [Placeholders<(typeof en)[K]>] extends [never] ? [] : [params: MessageParams<K>];

export function t<K extends MessageKey>(lang: Language, key: K, ...[params]: ParamsArgument<K>): string {
	const text: string = dictionaries[lang][key];
	if (!params) return text;
	const values = params as Record<string, string | number>;
	return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** A message whose key is made at run time (a protocol field's name): its text, or the key itself if there is none. */
export function tDynamic(lang: Language, key: string): string {
	return (dictionaries[lang] as Record<string, string>)[key] ?? key;
}

export function isLanguage(value: string | undefined): value is Language {
	return (languages as readonly string[]).includes(value ?? '');
}

/** The reader's first preferred language we have, else English. */
export function preferredLanguage(preferences: readonly string[]): Language {
	for (const tag of preferences) {
		const base = tag.toLowerCase().split('-')[0];
		if (isLanguage(base)) return base;
	}
	return 'en';
}

/** Sizes in the reader's conventions: "48.3 MB" / "48,3 Mo". */
export function formatBytes(lang: Language, bytes: number): string {
	const [unit, value] = bytes >= 1e6 ? (['megabyte', bytes / 1e6] as const) : (['kilobyte', bytes / 1e3] as const);
	return new Intl.NumberFormat(lang, { style: 'unit', unit, maximumFractionDigits: 1 }).format(value);
}

/** 42 → "42%" / "42 %". */
export function formatPercent(lang: Language, percent: number): string {
	return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(percent / 100);
}

export function formatDateTime(lang: Language, iso: string): string {
	return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

const languageNameKeys = { en: 'language.en', fr: 'language.fr' } as const satisfies Record<Language, MessageKey>;

/** A language's own name ("Français"), as its readers write it. */
export function languageName(lang: Language): string {
	return t(lang, languageNameKeys[lang]);
}
