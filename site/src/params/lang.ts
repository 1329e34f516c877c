// A language segment of the URL: /en/…, /fr/….
import type { ParamMatcher } from '@sveltejs/kit';
import { isLanguage } from '$lib/i18n/index.ts';

export const match = ((param: string): param is 'en' | 'fr' => isLanguage(param)) satisfies ParamMatcher;
