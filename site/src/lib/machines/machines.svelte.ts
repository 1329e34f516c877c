// The machines of this tab: one cluster kept across pages (chapters, languages, sandbox), with each node's status for the UI.
import { resolve } from '$app/paths';
import type { Node, NodeStatus } from '$emulator/node/node.ts';
import type { DownloadRetry, VmManifest } from '$emulator/node/vm-files.ts';
import { machineCacheName } from './machine-cache.ts';
import { copyImageForOffline, type OfflineCopyResult } from './offline-copy.ts';
import { problemOf, type MachinesProblem } from './problem.ts';
import { downloadPercent } from '$lib/ui/machine-text.ts';
import type { Cluster, ClusterNodeSpec, ClusterSnapshot, StartState } from './runtime.ts';

export type { ClusterNodeSpec, ClusterSnapshot, StartState };

/** A saved start state of the image, or a snapshot of these machines taken over one (a saved point). */
export type MachinesStart = StartState | ClusterSnapshot;
const startStateOf = (start: MachinesStart): StartState => (typeof start === 'object' ? start.start : start);

export type MachineStatus =
	| { state: 'idle' }
	| { state: 'downloading'; bytes: number; total: number }
	| { state: 'restoring' }
	| { state: 'ready' }
	| { state: 'resetting' }
	| { state: 'error'; reason: string }
	| { state: 'stopped' };

export type MachinesPhase = 'idle' | 'starting' | 'running' | 'failed';

/** Who last brought the machines to a known state: a chapter (its start state), or the sandbox. */
export type MachinesOwner = { kind: 'chapter'; id: string } | { kind: 'sandbox' };

/** Names and addresses of the machines the sandbox can run, in order (the first three are the chapters' nodes). */
export { allNodes as sandboxNodes } from '$emulator/cluster/nodes.ts';

/** The image folder of this site, absolute, ending with a slash. */
export const imageUrl = () => new URL(`${resolve('/')}vm/`, location.href).href;

export function sameNodes(a: readonly ClusterNodeSpec[], b: readonly ClusterNodeSpec[]): boolean {
	return a.length === b.length && a.every((spec, i) => spec.name === b[i].name && spec.ip === b[i].ip);
}

class Machines {
	phase = $state<MachinesPhase>('idle');
	/** The nodes of the running (or starting, or failed) cluster. */
	specs = $state.raw<readonly ClusterNodeSpec[]>([]);
	statuses = $state<Record<string, MachineStatus>>({});
	problem = $state.raw<MachinesProblem | null>(null);
	owner = $state.raw<MachinesOwner | null>(null);
	/** The saved state the running machines were restored (or last reset) to. */
	startState = $state.raw<StartState>('fresh');
	cluster = $state.raw<Cluster | undefined>(undefined);
	/** Commands run at each node's prompt that have ended, as the shell marks them (emulator/node/shell-marks.ts). */
	commandsEnded = $state<Record<string, number>>({});
	/** Guest memory per machine, known once the image's manifest is read. */
	memoryMB = $state<number | undefined>(undefined);
	/** The image build the machines run (its manifest's `buildKey`): saved points are only valid on it. */
	buildKey = $state<string | undefined>(undefined);
	/** The last download that failed and is being tried again, until bytes arrive again: the page says the network is lost. */
	network = $state.raw<DownloadRetry | undefined>(undefined);
	/** Nodes whose agent stopped answering (Node.onAgent): the page offers to reset them. */
	agentLost = $state<Record<string, boolean>>({});
	/** The background copy of the image that lets these machines start offline next time (offline-copy.ts). */
	offline = $state<'idle' | 'copying' | OfflineCopyResult['state']>('idle');

	private generation = 0;
	private starting: Promise<Cluster | undefined> | undefined;
	private bytesBeforeStart = 0;
	private unsubscribers: (() => void)[] = [];

	/** Restores these machines in `start` if nothing runs; joins a start of the same machines; leaves a different cluster alone (the page asks first). */
	ensure(specs: readonly ClusterNodeSpec[], start: MachinesStart): Promise<Cluster | undefined> {
		if (this.phase === 'idle') return this.start(specs, start);
		if (!sameNodes(specs, this.specs)) return Promise.resolve(undefined);
		if (this.phase === 'starting') return this.starting ?? Promise.resolve(undefined);
		return Promise.resolve(this.cluster);
	}

	/** Stops whatever runs, then restores `specs` from the image's saved `start` state, or from a snapshot of them. */
	start(specs: readonly ClusterNodeSpec[], start: MachinesStart): Promise<Cluster | undefined> {
		this.stop();
		const generation = this.generation;
		this.phase = 'starting';
		this.specs = specs;
		this.startState = startStateOf(start);
		this.statuses = Object.fromEntries(specs.map((spec) => [spec.name, { state: 'downloading', bytes: 0, total: 0 }]));
		this.starting = this.run(specs, start, generation);
		return this.starting;
	}

	/** Stops the machines (idempotent); a start still under way is abandoned and its cluster stopped when it arrives. */
	stop() {
		this.generation++;
		for (const unsubscribe of this.unsubscribers) unsubscribe();
		this.unsubscribers = [];
		const cluster = this.cluster;
		this.cluster = undefined;
		this.starting = undefined;
		this.phase = 'idle';
		this.problem = null;
		this.network = undefined;
		this.offline = 'idle';
		this.owner = null;
		this.statuses = Object.fromEntries(this.specs.map((spec) => [spec.name, { state: 'stopped' }]));
		void cluster?.stop();
	}

	/** Starts the same machines again after a failure. */
	retry() {
		return this.start(this.specs, this.startState);
	}

	node(name: string): Node | undefined {
		return this.cluster?.nodeNames.includes(name) ? this.cluster.node(name) : undefined;
	}

	isReady(name: string): boolean {
		return this.statuses[name]?.state === 'ready';
	}

	/** Types text into a node's terminal line, as if the student had. */
	type(name: string, text: string) {
		this.node(name)?.console.write(text);
	}

	/** Back to the saved state: whatever was done on this node is gone. Rejects with the reason when the reset fails. */
	async resetNode(name: string) {
		const node = this.node(name);
		if (!node) return;
		try {
			await node.reset();
		} catch (error) {
			this.statuses[name] = { state: 'error', reason: (error as Error).message };
			throw error;
		}
	}

	/** Every node back to a saved start state at once (the chapter's start, after something else ran here), or to a snapshot. */
	async restoreAll(start: MachinesStart) {
		const cluster = this.cluster;
		if (!cluster) return;
		try {
			await cluster.reset(start);
			this.startState = startStateOf(start);
		} catch (error) {
			for (const name of cluster.nodeNames) this.statuses[name] = { state: 'error', reason: (error as Error).message };
			throw error;
		}
	}

	private async run(specs: readonly ClusterNodeSpec[], start: MachinesStart, generation: number): Promise<Cluster | undefined> {
		const current = () => generation === this.generation;
		const vmUrl = imageUrl();
		let manifest: VmManifest | undefined;
		try {
			const { startCluster } = await import('./runtime.ts');
			const cluster = await startCluster({
				nodes: [...specs],
				start,
				vmUrl,
				onManifest: (known, bytes) => {
					if (!current()) return;
					manifest = known;
					this.memoryMB = known.memoryMB;
					this.buildKey = known.buildKey;
					this.bytesBeforeStart = bytes;
					for (const spec of specs) this.statuses[spec.name] = { state: 'downloading', bytes: 0, total: bytes };
				},
				onNetwork: (retry) => {
					if (current()) this.network = retry;
				},
				onStorageFull: () => {
					if (current()) this.offline = 'storage-full';
				},
				onBytes: (bytes) => {
					if (!current()) return;
					// One download serves every node; once it is complete the nodes restore. Drawn per whole percent:
					// redrawing three progress bars for every network chunk took a core's time away from the download.
					const status: MachineStatus = bytes >= this.bytesBeforeStart ? { state: 'restoring' } : { state: 'downloading', bytes, total: this.bytesBeforeStart };
					const shown = this.statuses[specs[0].name];
					if (status.state === 'downloading' && shown?.state === 'downloading' && downloadPercent(shown) === downloadPercent(status)) return;
					for (const spec of specs) this.statuses[spec.name] = status;
				},
			});
			if (!current()) {
				void cluster.stop();
				return undefined;
			}
			this.cluster = cluster;
			for (const name of cluster.nodeNames) {
				const node = cluster.node(name);
				this.statuses[name] = this.view(node.status);
				this.unsubscribers.push(node.onStatus((status) => (this.statuses[name] = this.view(status))));
				this.agentLost[name] = false;
				this.unsubscribers.push(node.onAgent((answering) => (this.agentLost[name] = !answering)));
				this.commandsEnded[name] = 0;
				this.unsubscribers.push(node.console.onCommandEnd(() => (this.commandsEnded[name] += 1)));
			}
			this.phase = 'running';
			this.copyForOffline(vmUrl, manifest!);
			return cluster;
		} catch (error) {
			if (!current()) return undefined;
			this.network = undefined;
			this.problem = problemOf(error);
			this.phase = 'failed';
			for (const spec of specs) {
				const status = this.statuses[spec.name];
				if (status?.state !== 'error') this.statuses[spec.name] = { state: 'stopped' };
			}
			return undefined;
		}
	}

	/** Once the machines run, the rest of their image goes to Cache Storage, unless the student asked to save data. */
	private copyForOffline(vmUrl: string, manifest: VmManifest) {
		const saveData = (navigator as Navigator & { connection?: { saveData?: boolean } }).connection?.saveData;
		// With no room for the saved state, there is none for the rest of the image either; the notice stays.
		if (saveData || typeof caches === 'undefined' || this.offline === 'storage-full') return;
		const controller = new AbortController();
		this.unsubscribers.push(() => controller.abort());
		this.offline = 'copying';
		void copyImageForOffline(vmUrl, manifest, machineCacheName, controller.signal).then(
			(result) => {
				if (!controller.signal.aborted) this.offline = result.state;
			},
			() => {
				if (!controller.signal.aborted) this.offline = 'stopped';
			},
		);
	}

	private view(status: NodeStatus): MachineStatus {
		// A node's own downloads (its BIOS) are small and come after the shared state's: it is restoring.
		return status.state === 'downloading' ? { state: 'restoring' } : status;
	}
}

export const machines = new Machines();
