// Node.js side: the built image in static/vm/ and a worker_threads worker per node.
import { buildSync, version as esbuildVersion } from 'esbuild';
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { cacheDir, keyOf } from '../image/cache.ts';
import type { VmFiles } from './node.ts';
import { savedStateLoader } from './saved-states.ts';
import { loadManifest, readChecked, sourceReader, type VmManifest } from './vm-files.ts';
import type { VmWorkerHandle } from './vm-protocol.ts';

/** static/vm, or SWARMLAB_VM_DIR (an image built elsewhere, e.g. to compare two builds). */
export const defaultVmDir = process.env.SWARMLAB_VM_DIR ?? resolve(import.meta.dirname, '../../static/vm');

/**
 * v86 turns hot guest code into new wasm modules all the time, and V8 re-optimises each of them with TurboFan on
 * background threads. On a 2-core host with three guests that recompilation took half of all CPU, and forming a
 * swarm took minutes; baseline (Liftoff) code only halved it. The flag is process-wide and read at compile time.
 */
setFlagsFromString('--liftoff-only');

/**
 * The worker's code as one JavaScript module, bundled once by esbuild and cached, keyed by the sources it is made of:
 * loading the TypeScript through tsx's loader in every worker took 0.5 s of CPU per node.
 */
function workerBundle(): string {
	const sources = readdirSync(import.meta.dirname).filter((name) => name.endsWith('.ts')).sort();
	const key = keyOf(esbuildVersion, ...sources.map((name) => ({ file: join(import.meta.dirname, name) })));
	const file = join(cacheDir('worker'), `vm-worker-${key}.mjs`);
	if (!existsSync(file)) {
		const partial = `${file}.${process.pid}.tmp`;
		buildSync({
			entryPoints: [join(import.meta.dirname, 'vm-worker.ts')],
			bundle: true,
			format: 'esm',
			platform: 'node',
			target: 'node20',
			outfile: partial,
			logLevel: 'error',
			// v86 reads its wasm with require('fs') under Node.js.
			banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
		});
		renameSync(partial, file);
	}
	return file;
}

export function spawnThreadWorker(): VmWorkerHandle {
	const worker = new Worker(pathToFileURL(workerBundle()));
	return {
		post: (message, transfer) => worker.postMessage(message, transfer as never),
		onMessage: (handler) => worker.on('message', handler),
		onError: (handler) => worker.on('error', handler),
		terminate: () => void worker.terminate(),
	};
}

let v86Module: Promise<WebAssembly.Module> | undefined;
/** v86's wasm, compiled once in this process (under `--liftoff-only`, like everything else here). */
function compiledV86() {
	return (v86Module ??= readFile(createRequire(import.meta.url).resolve('v86/build/v86.wasm')).then((bytes) => WebAssembly.compile(bytes)));
}

export async function localVmFiles(dir = defaultVmDir, manifest?: VmManifest): Promise<VmFiles> {
	const source = { kind: 'fs', dir } as const;
	const read = sourceReader(source);
	const checkedManifest = manifest ?? (await loadManifest(read));
	return {
		manifest: checkedManifest,
		source,
		wasm: compiledV86,
		jit: true,
		spawn: spawnThreadWorker,
		loadState: savedStateLoader((path) => readChecked(read, checkedManifest, path)),
	};
}
