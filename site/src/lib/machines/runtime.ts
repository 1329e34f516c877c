// Loaded lazily by the page: restores the emulator's Cluster from the browser's files, with real download progress.
import { Cluster, type ClusterNodeSpec, type ClusterSnapshot } from '$emulator/cluster/cluster.ts';
import { agentHeartbeat } from '$emulator/node/agent-heartbeat.ts';
import { parseStatesIndex, stateDownloadBytes, statesFor, statesIndexPath, type StartState } from '$emulator/node/saved-states.ts';
import { readChecked, sourceReader, type DownloadRetry, type VmManifest } from '$emulator/node/vm-files.ts';
import { browserVmFiles, checkSupport, fetchManifest } from './browser-files.ts';

export interface StartOptions {
	nodes: ClusterNodeSpec[];
	/** A saved start state, or a snapshot of these nodes taken over one (it must be of this image build). */
	start: StartState | ClusterSnapshot;
	/** Absolute URL of the image folder, ending with a slash. */
	vmUrl: string;
	/** The manifest is known: the image exists and this many bytes come before the nodes can start. */
	onManifest?: (manifest: VmManifest, bytesBeforeStart: number) => void;
	/** Bytes of the saved state received so far (one download shared by every node). */
	onBytes?: (bytes: number) => void;
	/** A download failed and is tried again (the page's or a node's own), or `undefined`: bytes arrive again. */
	onNetwork?: (retry: DownloadRetry | undefined) => void;
	/** The browser had no room to keep a saved state for the next visit. */
	onStorageFull?: () => void;
}

export type { Cluster, ClusterNodeSpec, ClusterSnapshot, StartState };

export async function startCluster({ nodes, start, vmUrl, onManifest, onBytes, onNetwork = () => {}, onStorageFull }: StartOptions): Promise<Cluster> {
	checkSupport();
	let retrying = false;
	const onRetry = (retry: DownloadRetry) => {
		retrying = true;
		onNetwork(retry);
	};
	/** Something arrived: a failed download, if any, has got through since. */
	const flowing = () => {
		if (!retrying) return;
		retrying = false;
		onNetwork(undefined);
	};
	const manifest = await fetchManifest(vmUrl, onRetry);
	flowing();
	const index = parseStatesIndex(await readChecked(sourceReader({ kind: 'http', baseUrl: vmUrl }, { onRetry, onBytes: (_path, bytes) => bytes > 0 && flowing() }), manifest, statesIndexPath));
	const sizeOf = (path: string) => manifest.files[path]?.size ?? 0;
	const startState = typeof start === 'object' ? start.start : start;
	onManifest?.(manifest, stateDownloadBytes(index, statesFor(index, startState, nodes), sizeOf));
	let received = 0;
	const files = browserVmFiles(
		vmUrl,
		manifest,
		(bytes) => {
			if (bytes > 0) flowing();
			onBytes?.((received += bytes));
		},
		onRetry,
		onStorageFull,
	);
	// Each node's own downloads (its disk's chunks, read while its guest runs) are watched from the start.
	// Each node's agent is asked every few seconds whether it still answers: a lost one is shown with a way back.
	return Cluster.restore({ nodes, files, start, heartbeat: agentHeartbeat, onNode: (node) => node.onNetwork(onNetwork) });
}
