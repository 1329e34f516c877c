// SvelteKit: the site lives in site/src, assets (and the machine image in static/vm/) in static/, a fully prerendered build in build/.
import adapter from '@sveltejs/adapter-static';

// The browser tests build a second site from fixture chapters and assets (SWARMLAB_LABS_DIR too) without touching build/.
const outDir = process.env.SWARMLAB_BUILD_DIR ?? 'build';
const assetsDir = process.env.SWARMLAB_STATIC_DIR ?? 'static';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	kit: {
		// 404.html: static hosts (GitHub Pages, Netlify…) serve it for unknown addresses; it renders the bilingual error page.
		adapter: adapter({ pages: outDir, assets: outDir, fallback: '404.html', strict: true }),
		files: {
			src: 'site/src',
			assets: assetsDir,
			serviceWorker: 'site/src/service-worker',
		},
		alias: {
			$emulator: 'emulator',
			// The lab engine (format, loader, grader, verification): no Svelte, shared with the CLIs.
			$labs: 'labs/engine',
		},
		prerender: {
			handleHttpError: 'fail',
			handleMissingId: 'fail',
		},
	},
};

export default config;
