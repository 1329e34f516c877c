// The sites the browser tests open: build/ as made by `npm run build`, and a small site built here from fixture chapters.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const root = resolve(import.meta.dirname, '../../..');
export const mainSite = resolve(root, 'build');
export const fixtureSite = resolve(root, 'test-results/fixture-site');

async function build(env: Record<string, string> = {}) {
	const vite = resolve(root, 'node_modules/vite/bin/vite.js');
	await run(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
}

/** build/ from the last `npm run build`; built now when there is none. */
export async function ensureMainSite(): Promise<string> {
	if (!existsSync(resolve(mainSite, 'index.html'))) await build();
	return mainSite;
}

/** Fixture chapters (test/browser/fixtures/labs) and no machine image: for what real content must never do, and a missing image. */
export async function buildFixtureSite(): Promise<string> {
	await build({
		SWARMLAB_LABS_DIR: resolve(root, 'test/browser/fixtures/labs'),
		SWARMLAB_STATIC_DIR: resolve(root, 'test/browser/fixtures/static'),
		SWARMLAB_BUILD_DIR: fixtureSite,
	});
	return fixtureSite;
}
