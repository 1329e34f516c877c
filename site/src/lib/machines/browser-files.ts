// The browser's VmFiles: the image served at <site>/vm/, the v86 wasm as bundled by Vite, one module Web Worker per node.
import wasmUrl from 'v86/build/v86.wasm?url';
import type { VmFiles } from '$emulator/node/node.ts';
import { packWorkers, type PackWorkerHandle } from '$emulator/node/pack-workers.ts';
import { savedStateLoader } from '$emulator/node/saved-states.ts';
import { DownloadFailed, HttpError, parseManifest, readChecked, sourceReader, withRetries, type DownloadRetry, type VmManifest } from '$emulator/node/vm-files.ts';
import type { VmWorkerHandle, WorkerHandle } from '$emulator/node/vm-protocol.ts';
import { machineCacheName } from './machine-cache.ts';
import { MachinesError } from './problem.ts';

/** Checks what the machines need before downloading anything, so the page can say what is missing. */
export function checkSupport() {
	if (typeof WebAssembly !== 'object') throw new MachinesError({ code: 'unsupported', feature: 'WebAssembly' });
	if (typeof Worker !== 'function') throw new MachinesError({ code: 'unsupported', feature: 'Web Workers' });
	// The worker checks every file's sha256 with crypto.subtle, which exists only on https:// and localhost.
	if (!globalThis.isSecureContext || !globalThis.crypto?.subtle) throw new MachinesError({ code: 'unsupported', feature: 'secure-context' });
}

/** `vmUrl` is absolute and ends with a slash: the workers resolve every file against it. */
/** The image's manifest; a network error or a server error is tried again as every image file is (vm-files.ts). */
export async function fetchManifest(vmUrl: string, onRetry: (retry: DownloadRetry) => void = () => {}): Promise<VmManifest> {
	const url = `${vmUrl}manifest.json`;
	let response: Response;
	try {
		// Only a server error is tried again here: a 404 or the site's HTML answered for it is read below.
		response = await withRetries('manifest.json', onRetry, async () => {
			const answer = await fetch(url, { cache: 'no-cache' });
			if (answer.status >= 500) throw new HttpError(answer.status);
			return answer;
		});
	} catch (error) {
		throw new MachinesError({ code: 'image-unreachable', reason: error instanceof DownloadFailed ? error.reasons.at(-1)! : (error as Error).message });
	}
	// A single-page-app fallback answers 200 with the site's HTML for a missing file: that is a missing image too.
	const html = response.headers.get('content-type')?.includes('text/html');
	if (response.status === 404 || (response.ok && html)) throw new MachinesError({ code: 'image-missing', url: new URL(url).pathname });
	if (!response.ok) throw new MachinesError({ code: 'image-unreachable', reason: `HTTP ${response.status}` });
	try {
		return parseManifest(await response.text());
	} catch (error) {
		throw new MachinesError({ code: 'image-invalid', reason: (error as Error).message });
	}
}

/** A Web Worker as the emulator's handle; `who` names it in errors ("the machine’s worker"). */
function webWorkerHandle<Receive, Send>(worker: Worker, who: string): WorkerHandle<Receive, Send> {
	return {
		post: (message, transfer) => worker.postMessage(message, transfer ?? []),
		onMessage: (handler) => worker.addEventListener('message', (event) => handler(event.data)),
		onError: (handler) => {
			worker.addEventListener('error', (event) => {
				event.preventDefault();
				handler(new Error(event.message || `${who} could not be loaded`));
			});
			worker.addEventListener('messageerror', () => handler(new Error(`a message from ${who} could not be read`)));
		},
		terminate: () => worker.terminate(),
	};
}

// Each `new Worker(new URL(…, import.meta.url))` stays written out: it is how Vite finds and bundles the worker.
export function spawnWebWorker(): VmWorkerHandle {
	return webWorkerHandle(new Worker(new URL('../../../../emulator/node/vm-worker.ts', import.meta.url), { type: 'module', name: 'swarmlab-vm' }), 'the machine’s worker');
}

function spawnPackWorker(): PackWorkerHandle {
	return webWorkerHandle(new Worker(new URL('../../../../emulator/node/pack-worker.ts', import.meta.url), { type: 'module', name: 'swarmlab-packs' }), 'a worker');
}

let v86Module: Promise<WebAssembly.Module> | undefined;

/** v86's wasm, compiled once per page while it downloads (and from the browser's code cache on later visits). */
function compiledV86(url: string): Promise<WebAssembly.Module> {
	const compile = async () => {
		try {
			return await WebAssembly.compileStreaming(fetch(url));
		} catch {
			// A host that serves .wasm without its MIME type: compile from the bytes instead.
			const response = await fetch(url);
			if (!response.ok) throw new MachinesError({ code: 'image-unreachable', reason: `${url}: HTTP ${response.status}` });
			return WebAssembly.compile(await response.arrayBuffer());
		}
	};
	const compiling = (v86Module ??= compile());
	compiling.catch(() => (v86Module = undefined));
	return compiling;
}

/**
 * `onBytes` sees the saved states' bytes as they arrive: one download for all nodes, drawn as each node's progress;
 * `onRetry` each of those downloads that failed and is tried again, `onStorageFull` a state the browser had no room to keep.
 */
export function browserVmFiles(
	vmUrl: string,
	manifest: VmManifest,
	onBytes: (bytes: number) => void,
	onRetry: (retry: DownloadRetry) => void,
	onStorageFull?: () => void,
): VmFiles {
	const source = { kind: 'http', baseUrl: vmUrl } as const;
	const read = sourceReader(source, { onBytes: (_path, bytes) => onBytes(bytes), onRetry });
	return {
		manifest,
		source,
		loadState: savedStateLoader(
			(path) => readChecked(read, manifest, path),
			() => packWorkers({ spawn: spawnPackWorker, count: Math.min(navigator.hardwareConcurrency || 2, 4), baseUrl: vmUrl, cacheName: machineCacheName, files: manifest.files, onBytes, onRetry, onStorageFull }),
		),
		wasm: () => compiledV86(new URL(wasmUrl, location.href).href),
		// A page cannot keep V8 on its baseline compiler: v86's interpreter alone is faster (emulator/node/node.ts).
		jit: false,
		spawn: spawnWebWorker,
	};
}
