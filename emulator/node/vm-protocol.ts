// Messages between a node's host-side handle and the worker that runs its v86 machine.
import type { StateParts } from './state-parts.ts';
import type { DownloadRetry, VmManifest } from './vm-files.ts';

/** Where the worker reads static/vm/ files from: a folder (Node.js) or a URL prefix (browser). */
export type VmSource = { kind: 'fs'; dir: string } | { kind: 'http'; baseUrl: string };

export interface VmBootSpec {
	source: VmSource;
	/** v86's code, compiled once by the host for all its nodes (VmFiles.wasm). */
	wasm: WebAssembly.Module;
	manifest: VmManifest;
	/** true: a cold boot from kernel and initrd (the image build); false: the machine waits, paused, for a `restore`. */
	boot: boolean;
	/** Whether v86 compiles hot guest code into wasm modules of its own (see VmFiles.jit). */
	jit: boolean;
}

export type HostToVm =
	| { type: 'start'; spec: VmBootSpec }
	| { type: 'console-in'; data: Uint8Array }
	| { type: 'agent-in'; data: Uint8Array }
	| { type: 'frame-in'; frame: Uint8Array }
	| { type: 'save' }
	/**
	 * Puts a saved state in the machine (its buffers transferred), or back the one it last had, and runs it. With
	 * `snapshot` (gzip, state-diff.ts), the machine becomes that snapshot, taken over this saved state; the saved
	 * state stays the one a later reset returns to.
	 */
	| { type: 'restore'; parts?: StateParts; snapshot?: Uint8Array }
	/** The running machine as what changed since the saved state it last restored (gzip, state-diff.ts). */
	| { type: 'snapshot' }
	| { type: 'stop' };

export type VmToHost =
	| { type: 'started'; ms: number }
	| { type: 'console-out'; data: Uint8Array }
	| { type: 'agent-out'; data: Uint8Array }
	| { type: 'frame-out'; frame: Uint8Array }
	| { type: 'download'; file: string; bytes: number }
	/** A file (a disk chunk, the BIOS) failed to download and is tried again: the network may be lost. */
	| { type: 'retrying'; retry: DownloadRetry }
	| { type: 'saved'; state: ArrayBuffer }
	| { type: 'restored' }
	/** A snapshot, or why none could be taken (the machine runs on either way). */
	| { type: 'snapshot'; snapshot: Uint8Array; changedPages: number }
	| { type: 'snapshot'; error: string }
	| { type: 'stopped' }
	| { type: 'error'; message: string; file?: string };

/** The two ends of a worker, the same shape whether worker_threads (Node.js) or Web Workers (browser). */
export interface Endpoint<In, Out> {
	post(message: Out, transfer?: Transferable[]): void;
	onMessage(handler: (message: In) => void): void;
}

/** The host's side of a worker: its messages both ways, its failures, and its end. */
export interface WorkerHandle<Receive, Send> extends Endpoint<Receive, Send> {
	onError(handler: (error: Error) => void): void;
	terminate(): void;
}

export type VmWorkerHandle = WorkerHandle<VmToHost, HostToVm>;
