// Loaded lazily by the page: starts the emulator's Cluster from the browser's files and reports each node from its first byte.
import { Cluster, type ClusterNodeSpec } from '$emulator/cluster/cluster.ts';
import { vmFileNames, type VmManifest } from '$emulator/node/vm-files.ts';
import type { VmWorkerHandle } from '$emulator/node/vm-protocol.ts';
import { browserVmFiles, checkSupport, fetchManifest } from './browser-files.ts';

/** What a node's worker says before the cluster hands out its Node: download progress, restore, or failure. */
export type EarlyStatus = { state: 'downloading'; bytes: number; total: number } | { state: 'restoring' } | { state: 'error'; reason: string };

export interface StartOptions {
	nodes: ClusterNodeSpec[];
	/** Absolute URL of the image folder, ending with a slash. */
	vmUrl: string;
	onEarlyStatus: (node: string, status: EarlyStatus) => void;
	/** The manifest is known: the image exists and this many bytes come before a node can start. */
	onManifest?: (manifest: VmManifest, bytesBeforeStart: number) => void;
}

export type { Cluster, ClusterNodeSpec };

export async function startCluster({ nodes, vmUrl, onEarlyStatus, onManifest }: StartOptions): Promise<Cluster> {
	checkSupport();
	const manifest = await fetchManifest(vmUrl);
	const total = [vmFileNames.bios, vmFileNames.vgaBios, vmFileNames.state].reduce((sum, path) => sum + (manifest.files[path]?.size ?? 0), 0);
	onManifest?.(manifest, total);
	const handles: VmWorkerHandle[] = [];
	const files = browserVmFiles(vmUrl, manifest, (handle) => {
		// Cluster.start creates one Node per spec synchronously, in the order given: the n-th worker is nodes[n].
		const name = nodes[handles.length]?.name;
		handles.push(handle);
		if (name) watchWorker(handle, total, (status) => onEarlyStatus(name, status));
	});
	try {
		return await Cluster.start({ nodes, files });
	} catch (error) {
		// A failed start stops the nodes that were ready, not those still restoring: end every worker we spawned.
		for (const handle of handles) handle.terminate();
		throw error;
	}
}

function watchWorker(handle: VmWorkerHandle, total: number, report: (status: EarlyStatus) => void) {
	let bytes = 0;
	let started = false;
	handle.onMessage((message) => {
		if (message.type === 'download' && !started) {
			bytes += message.bytes;
			report({ state: 'downloading', bytes, total });
		} else if (message.type === 'started') {
			started = true;
			report({ state: 'restoring' });
		} else if (message.type === 'error') {
			report({ state: 'error', reason: message.message });
		}
	});
	handle.onError((error) => report({ state: 'error', reason: error.message }));
}
