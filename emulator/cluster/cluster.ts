// A cluster: N nodes restored from a saved start state, each plugged into one learning switch whose capture the grader reads.
import { Node, type NodeSnapshot, type SavedMachine, type VmFiles } from '../node/node.ts';
import type { HeartbeatOptions } from '../node/agent-heartbeat.ts';
import type { StartState } from '../node/saved-states.ts';
import { defaultNodes, type ClusterNodeSpec } from './nodes.ts';

export { defaultNodes, type ClusterNodeSpec };
import type { NodeIdentity } from '../node/identity.ts';
import { CaptureRing } from '../network/capture.ts';
import { countFrames, matchFrames, type FrameFilter } from '../network/query.ts';
import { Switch } from '../network/switch.ts';

/** Every node of a running cluster at one moment, each as what changed since the start state it restored. */
export interface ClusterSnapshot {
	start: StartState;
	/** The host's time when it was taken. */
	takenAt: number;
	nodes: NodeSnapshot[];
}

export interface ClusterOptions {
	nodes: ClusterNodeSpec[];
	files: VmFiles;
	/** The saved state the nodes start from (`fresh` unless told), or a snapshot of these nodes to resume. */
	start?: StartState | ClusterSnapshot;
	/** The host's idea of now (Date.now by default): the guests' wall clocks are set from it. */
	clock?: () => number;
	captureCapacity?: number;
	log?: (line: string) => void;
	/** Each node as soon as it exists (still restoring), e.g. to show its download progress. */
	onNode?: (node: Node) => void;
	/** Each ready node's agent is asked whether it still answers (Node.onAgent): the page tells a student whose
	 * agent was lost to reset that node. */
	heartbeat?: HeartbeatOptions;
}

export class ClusterError extends Error {}

const startStateOf = (start: StartState | ClusterSnapshot): StartState => (typeof start === 'object' ? start.start : start);

/** Each node's part of a snapshot, in the order of `nodes`; a snapshot of other nodes cannot be resumed here. */
function snapshotsOf(snapshot: ClusterSnapshot, nodes: ClusterNodeSpec[]): NodeSnapshot[] {
	return nodes.map((spec) => {
		const own = snapshot.nodes.find((node) => node.name === spec.name && node.ip === spec.ip);
		if (!own) throw new ClusterError(`the snapshot holds ${snapshot.nodes.map((node) => node.name).join(', ')}, not ${spec.name} (${spec.ip})`);
		return own;
	});
}

/** The frames seen on the wire, asked the way the grader and the inspector ask. */
export class CaptureView {
	constructor(
		readonly ring: CaptureRing,
		private readonly clock: () => number,
	) {}
	count(filter: FrameFilter = {}): number {
		return countFrames(this.ring.records(), filter);
	}
	match(filter: FrameFilter = {}) {
		return matchFrames(this.ring.records(), filter);
	}
	lostUpTo() {
		return this.ring.lostUpTo;
	}
	now() {
		return this.clock();
	}
}

export class Cluster {
	readonly switch: Switch;
	readonly capture: CaptureView;
	private readonly nodes = new Map<string, Node>();
	private readonly starting = new Set<Node>();
	private readonly unsubscribers: (() => void)[] = [];
	private stopped = false;
	private current: StartState;

	private constructor(private readonly options: ClusterOptions) {
		const ring = new CaptureRing({ capacity: options.captureCapacity ?? 20_000 });
		this.switch = new Switch({ capture: ring });
		this.capture = new CaptureView(ring, () => Date.now());
		this.current = startStateOf(options.start ?? 'fresh');
	}

	static validate(nodes: ClusterNodeSpec[]) {
		if (nodes.length < 1 || nodes.length > 5) throw new ClusterError(`a cluster has 1 to 5 nodes, not ${nodes.length}`);
		const names = new Set<string>();
		const ips = new Set<string>();
		for (const node of nodes) {
			if (!/^[a-z][a-z0-9-]{0,30}$/.test(node.name)) throw new ClusterError(`invalid node name "${node.name}"`);
			const host = Number(/^10\.0\.3\.(\d{1,3})$/.exec(node.ip)?.[1]);
			// .0 names the network, .255 is its broadcast, .1 is kept for a gateway.
			if (!(host >= 2 && host <= 254)) throw new ClusterError(`node ${node.name}: ${node.ip} is not a host address of the 10.0.3.0/24 underlay (10.0.3.2 to 10.0.3.254)`);
			if (names.has(node.name) || ips.has(node.ip)) throw new ClusterError(`node ${node.name} (${node.ip}) is listed twice`);
			names.add(node.name);
			ips.add(node.ip);
		}
	}

	/** Restores every node of the start state at once (one download, one worker each), plugged into the switch. */
	static async restore(options: ClusterOptions): Promise<Cluster> {
		Cluster.validate(options.nodes);
		const cluster = new Cluster(options);
		try {
			// The machines start while the state downloads; each then restores as soon as its parts are made.
			const snapshot = typeof options.start === 'object' ? options.start : undefined;
			const ofNodes = snapshot ? snapshotsOf(snapshot, options.nodes) : [];
			const nodes = options.nodes.map((spec) => cluster.createNode(spec));
			const machines = await cluster.machinesFor(cluster.current, snapshot?.takenAt);
			await Promise.all(nodes.map((node, i) => cluster.addNode(node, machines[i], ofNodes[i]?.data)));
		} catch (error) {
			await cluster.stop();
			throw new ClusterError(`the cluster failed to start: ${(error as Error).message}`);
		}
		return cluster;
	}

	/** The saved state the nodes last started or were reset to. */
	get startState(): StartState {
		return this.current;
	}

	/**
	 * One saved machine per node: the node's own from the start state, or, for a node the state does not have (a
	 * bigger sandbox), the prepared single node of `base`, which then receives its identity.
	 */
	private async machinesFor(start: StartState, snapshotTakenAt = 0): Promise<SavedMachine[]> {
		const started = performance.now();
		const { files, nodes } = this.options;
		const saved = await files.loadState(start);
		const own = (spec: ClusterNodeSpec) => saved.nodes.find((node) => node.name === spec.name && node.ip === spec.ip);
		// The nodes of a saved swarm know each other: restoring part of them would leave the rest Down.
		if (start === 'swarm' && !saved.nodes.every((node) => nodes.some((spec) => spec.name === node.name && spec.ip === node.ip))) {
			throw new ClusterError(`the saved swarm is ${saved.nodes.map((node) => node.name).join(', ')}: restore all of them`);
		}
		const base = nodes.every(own) ? undefined : start === 'base' ? saved : await files.loadState('base');
		this.options.log?.(`state ${start} loaded in ${Math.round(performance.now() - started)} ms`);
		// A snapshot's guests may hold certificates renewed up to the moment it was taken: their clocks never go before.
		return nodes.map((spec) => {
			const node = own(spec);
			return node
				? { parts: node.parts, sameIdentity: true, savedAt: Math.max(saved.savedAt, snapshotTakenAt) }
				: { parts: base!.nodes[0].parts, sameIdentity: false, savedAt: Math.max(base!.savedAt, snapshotTakenAt) };
		});
	}

	private identityOf(spec: ClusterNodeSpec): NodeIdentity {
		return { ...spec, peers: this.options.nodes };
	}

	private createNode(spec: ClusterNodeSpec): Node {
		const node = Node.create(this.options.files, this.identityOf(spec), { clock: this.options.clock, heartbeat: this.options.heartbeat });
		this.starting.add(node);
		this.options.onNode?.(node);
		return node;
	}

	private async addNode(node: Node, machine: SavedMachine, snapshot?: Uint8Array) {
		const started = performance.now();
		await node.restoreFrom(machine, snapshot);
		const spec = node.identity;
		this.starting.delete(node);
		const port = this.switch.plug(spec.name, (frame) => node.receiveFrame(frame));
		this.unsubscribers.push(node.onFrame((frame) => port.send(frame)));
		this.nodes.set(spec.name, node);
		this.options.log?.(`${spec.name} ready in ${Math.round(performance.now() - started)} ms`);
	}

	node(name: string): Node {
		const node = this.nodes.get(name);
		if (!node) throw new ClusterError(`no node named "${name}" (nodes: ${[...this.nodes.keys()].join(', ')})`);
		return node;
	}

	get nodeNames(): string[] {
		return this.options.nodes.map((spec) => spec.name).filter((name) => this.nodes.has(name));
	}

	now(): number {
		return this.capture.now();
	}

	/**
	 * Every node back to the state it started from, to another start state, or to a snapshot of this cluster, at
	 * once, in the same workers. A snapshot over the start state the workers hold needs nothing downloaded.
	 */
	async reset(to?: StartState | ClusterSnapshot) {
		const snapshot = typeof to === 'object' ? to : undefined;
		const ofNodes = snapshot ? snapshotsOf(snapshot, this.options.nodes) : [];
		const start = to === undefined ? undefined : startStateOf(to);
		const machines = start && !(snapshot && start === this.current) ? await this.machinesFor(start, snapshot?.takenAt) : undefined;
		if (start) this.current = start;
		await Promise.all(this.options.nodes.map((spec, i) => this.node(spec.name).reset(machines?.[i], ofNodes[i]?.data)));
	}

	/**
	 * Every node as it is now, each as what changed since its start state (`reset` or `restore` bring it back). The
	 * nodes are saved at once, each in its own worker: each guest pauses for the seconds its save takes.
	 */
	async snapshot(): Promise<ClusterSnapshot> {
		const takenAt = (this.options.clock ?? Date.now)();
		const nodes = await Promise.all(this.options.nodes.map((spec) => this.node(spec.name).snapshot()));
		return { start: this.current, takenAt, nodes };
	}

	/** Whether this cluster has exactly these nodes, so a caller can reset it instead of starting another. */
	hasNodes(nodes: ClusterNodeSpec[]): boolean {
		return nodes.length === this.options.nodes.length && nodes.every((spec, i) => spec.name === this.options.nodes[i].name && spec.ip === this.options.nodes[i].ip);
	}

	async stop() {
		if (this.stopped) return;
		this.stopped = true;
		for (const unsubscribe of this.unsubscribers) unsubscribe();
		// Nodes still restoring are stopped too: a failed start leaves no worker behind.
		await Promise.all([...this.nodes.values(), ...this.starting].map((node) => node.destroy()));
		this.nodes.clear();
		this.starting.clear();
		this.switch.dispose();
	}
}
