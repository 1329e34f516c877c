// Loaded lazily by the page: restores the emulator's Cluster from the browser's files, with real download progress.
import { Cluster, type ClusterNodeSpec } from '$emulator/cluster/cluster.ts';
import { parseStatesIndex, stateDownloadBytes, statesFor, statesIndexPath, type StartState } from '$emulator/node/saved-states.ts';
import { readChecked, sourceReader, type VmManifest } from '$emulator/node/vm-files.ts';
import { browserVmFiles, checkSupport, fetchManifest } from './browser-files.ts';

export interface StartOptions {
	nodes: ClusterNodeSpec[];
	start: StartState;
	/** Absolute URL of the image folder, ending with a slash. */
	vmUrl: string;
	/** The manifest is known: the image exists and this many bytes come before the nodes can start. */
	onManifest?: (manifest: VmManifest, bytesBeforeStart: number) => void;
	/** Bytes of the saved state received so far (one download shared by every node). */
	onBytes?: (bytes: number) => void;
}

export type { Cluster, ClusterNodeSpec, StartState };

export async function startCluster({ nodes, start, vmUrl, onManifest, onBytes }: StartOptions): Promise<Cluster> {
	checkSupport();
	const manifest = await fetchManifest(vmUrl);
	const index = parseStatesIndex(await readChecked(sourceReader({ kind: 'http', baseUrl: vmUrl }), manifest, statesIndexPath));
	const sizeOf = (path: string) => manifest.files[path]?.size ?? 0;
	onManifest?.(manifest, stateDownloadBytes(index, statesFor(index, start, nodes), sizeOf));
	let received = 0;
	const files = browserVmFiles(vmUrl, manifest, (bytes) => onBytes?.((received += bytes)));
	return Cluster.restore({ nodes, files, start });
}
