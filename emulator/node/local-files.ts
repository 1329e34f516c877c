// Node.js side: the built image in static/vm/ and a worker_threads worker per node.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { VmFiles } from './node.ts';
import { loadManifest, type VmManifest } from './vm-files.ts';
import type { VmWorkerHandle } from './vm-protocol.ts';

/** static/vm, or SWARMLAB_VM_DIR (an image built elsewhere, e.g. to compare two builds). */
export const defaultVmDir = process.env.SWARMLAB_VM_DIR ?? resolve(import.meta.dirname, '../../static/vm');

/**
 * v86 turns hot guest code into new wasm modules all the time, and V8 re-optimises each of them with TurboFan on
 * background threads. On a 2-core host with three guests that recompilation took half of all CPU, and forming a
 * swarm took minutes; baseline (Liftoff) code only halved it. The flag is process-wide and read at compile time.
 */
setFlagsFromString('--liftoff-only');

export function spawnThreadWorker(): VmWorkerHandle {
	// worker_threads do not inherit tsx's loader: a small .mjs registers it, then loads the TypeScript entry.
	const worker = new Worker(new URL('./thread-boot.mjs', import.meta.url), {
		workerData: { entry: new URL('./vm-worker.ts', import.meta.url).href },
	});
	return {
		post: (message, transfer) => worker.postMessage(message, transfer as never),
		onMessage: (handler) => worker.on('message', handler),
		onError: (handler) => worker.on('error', handler),
		terminate: () => void worker.terminate(),
	};
}

export const v86WasmPath = () => createRequire(import.meta.url).resolve('v86/build/v86.wasm');

export async function localVmFiles(dir = defaultVmDir, manifest?: VmManifest): Promise<VmFiles> {
	const read = async (path: string) => new Uint8Array(await readFile(resolve(dir, path)));
	return {
		manifest: manifest ?? (await loadManifest(read)),
		source: { kind: 'fs', dir },
		wasmPath: v86WasmPath(),
		spawn: spawnThreadWorker,
	};
}
