// The site's addresses, with the trailing slash every prerendered page is saved under (so any static server finds it).
import { resolve } from '$app/paths';
import type { Language } from '$labs/types.ts';

export const cataloguePath = (lang: Language) => resolve(`/${lang}/`);
export const chapterPath = (lang: Language, slug: string) => resolve(`/${lang}/labs/${slug}/`);
export const sandboxPath = (lang: Language) => resolve(`/${lang}/sandbox/`);
