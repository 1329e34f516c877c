// A cluster: N nodes restored from one image, each plugged into one learning switch whose capture the grader reads.
import { Node, type VmFiles } from '../node/node.ts';
import type { NodeIdentity } from '../node/identity.ts';
import { CaptureRing } from '../network/capture.ts';
import { countFrames, matchFrames, type FrameFilter } from '../network/query.ts';
import { Switch } from '../network/switch.ts';

export interface ClusterNodeSpec {
	name: string;
	ip: string;
}

export interface ClusterOptions {
	nodes: ClusterNodeSpec[];
	files: VmFiles;
	captureCapacity?: number;
	log?: (line: string) => void;
	/** Each node as soon as it exists (still restoring), e.g. to show its download progress. */
	onNode?: (node: Node) => void;
}

export const defaultNodes: ClusterNodeSpec[] = [
	{ name: 'manager', ip: '10.0.3.62' },
	{ name: 'worker1', ip: '10.0.3.63' },
	{ name: 'worker2', ip: '10.0.3.64' },
];

export class ClusterError extends Error {}

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

	private constructor(private readonly options: ClusterOptions) {
		const ring = new CaptureRing({ capacity: options.captureCapacity ?? 20_000 });
		this.switch = new Switch({ capture: ring });
		this.capture = new CaptureView(ring, () => Date.now());
	}

	static validate(nodes: ClusterNodeSpec[]) {
		if (nodes.length < 1 || nodes.length > 5) throw new ClusterError(`a cluster has 1 to 5 nodes, not ${nodes.length}`);
		const names = new Set<string>();
		const ips = new Set<string>();
		for (const node of nodes) {
			if (!/^[a-z][a-z0-9-]{0,30}$/.test(node.name)) throw new ClusterError(`invalid node name "${node.name}"`);
			if (!/^10\.0\.3\.(\d{1,3})$/.test(node.ip)) throw new ClusterError(`node ${node.name}: ${node.ip} is not on the 10.0.3.0/24 underlay`);
			if (names.has(node.name) || ips.has(node.ip)) throw new ClusterError(`node ${node.name} (${node.ip}) is listed twice`);
			names.add(node.name);
			ips.add(node.ip);
		}
	}

	/** Restore every node in parallel (one worker each), plug it in, and give it its identity. */
	static async start(options: ClusterOptions): Promise<Cluster> {
		Cluster.validate(options.nodes);
		const cluster = new Cluster(options);
		try {
			await Promise.all(options.nodes.map((spec) => cluster.addNode(spec)));
		} catch (error) {
			await cluster.stop();
			throw new ClusterError(`the cluster failed to start: ${(error as Error).message}`);
		}
		return cluster;
	}

	private identityOf(spec: ClusterNodeSpec): NodeIdentity {
		return { ...spec, peers: this.options.nodes };
	}

	private async addNode(spec: ClusterNodeSpec) {
		const started = performance.now();
		const node = await Node.restore(this.options.files, this.identityOf(spec), (created) => {
			this.starting.add(created);
			this.options.onNode?.(created);
		});
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

	/** Every node back to its saved state at once: a fresh cluster without starting new workers. */
	async reset() {
		await Promise.all([...this.nodes.values()].map((node) => node.reset()));
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
