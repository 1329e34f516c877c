// SvelteKit: the site lives in site/src, assets (and the machine image in static/vm/) in static/, a fully prerendered build in build/.
import adapter from '@sveltejs/adapter-static';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	kit: {
		adapter: adapter({ pages: 'build', assets: 'build', strict: true }),
		files: {
			src: 'site/src',
			assets: 'static',
		},
		alias: {
			$emulator: 'emulator',
		},
		prerender: {
			handleHttpError: 'fail',
			handleMissingId: 'fail',
		},
	},
};

export default config;
