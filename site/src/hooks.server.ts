// Build time only (every page is prerendered): the page's language goes into <html lang>.
import type { Handle } from '@sveltejs/kit';
import { isLanguage } from '$lib/i18n/index.ts';

export const handle: Handle = ({ event, resolve }) => {
	const lang = event.params.lang;
	return resolve(event, { transformPageChunk: ({ html }) => html.replace('%lang%', isLanguage(lang) ? lang : 'en') });
};
