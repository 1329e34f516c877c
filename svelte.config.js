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
		// Every page carries its policy in a <meta> tag (a static host sends no headers): SvelteKit adds the hashes of
		// its own inline scripts. Inline styles stay allowed: Svelte's style: directives, xterm.js and Monaco write them.
		// The machines compile v86's WebAssembly in workers ('wasm-unsafe-eval'); Monaco may start its workers from blobs.
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', 'wasm-unsafe-eval'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self', 'data:'],
				'connect-src': ['self'],
				'worker-src': ['self', 'blob:'],
				'object-src': ['none'],
				'base-uri': ['none'],
				'form-action': ['self'],
			},
		},
		prerender: {
			handleHttpError: 'fail',
			handleMissingId: 'fail',
		},
	},
};

export default config;
