// Vite: SvelteKit plus one Web Worker per machine (an ES module, since the v86 worker loads code lazily).
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { isolationHeaders } from './site/server/isolation.ts';

export default defineConfig({
	plugins: [sveltekit()],
	worker: { format: 'es' },
	server: { fs: { allow: ['emulator', 'labs'] }, headers: isolationHeaders },
	preview: { headers: isolationHeaders },
	build: { chunkSizeWarningLimit: 1500 },
});
