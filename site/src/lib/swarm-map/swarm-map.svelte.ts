// The swarm map's live state: every node's survey (from the engines, emulator/cluster/swarm-watch.ts), the traffic on
// each node's cable counted from the switch, and the faults in force.
import type { Cluster } from '$emulator/cluster/cluster.ts';
import { SwarmWatch, type NodeReport } from '$emulator/cluster/swarm-watch.ts';
import type { ActiveFault } from '$emulator/network/faults.ts';
import { LinkTraffic, linkRates, type TrafficKind } from '$emulator/network/link-traffic.ts';
import { nodeCards, type NodeCard } from './node-cards.ts';

/** Rates are taken over this window and drawn once per window: live enough to see a ping, cheap enough to forget. */
const rateWindowMs = 1000;

export class SwarmMapState {
	reports = $state<Record<string, NodeReport>>({});
	rates = $state.raw<ReadonlyMap<string, Record<TrafficKind, number>>>(new Map());
	faults = $state.raw<ActiveFault[]>([]);
	unplugged = $state.raw<string[]>([]);
	surveying = $state(false);
	/** When the last survey round ended (host clock). */
	surveyedAt = $state<number | undefined>(undefined);
	readonly cards: NodeCard[];

	private readonly watch: SwarmWatch;

	constructor(
		private readonly cluster: Cluster,
		nodes: readonly string[],
	) {
		this.cards = $derived(nodeCards(nodes, this.reports));
		this.watch = new SwarmWatch(() => new Map(cluster.nodeNames.map((name) => [name, cluster.node(name)])));
	}

	/** Starts the watch, the traffic counts and the fault listeners; returns what stops them all. */
	listen(): () => void {
		const { cluster, watch } = this;
		const traffic = new LinkTraffic();
		const stops = [
			cluster.switch.on('frame', (record) => traffic.count(record)),
			watch.on('report', (report) => (this.reports[report.node] = report)),
			watch.on('round', () => {
				this.surveying = false;
				this.surveyedAt = Date.now();
			}),
			cluster.switch.faults.onChange((faults) => (this.faults = faults)),
			cluster.switch.on('link', () => (this.unplugged = cluster.switch.unpluggedPorts())),
		];
		this.faults = cluster.switch.faults.list();
		this.unplugged = cluster.switch.unpluggedPorts();
		let last = traffic.snapshot();
		const sampler = setInterval(() => {
			const now = traffic.snapshot();
			this.rates = linkRates(last, now, rateWindowMs);
			last = now;
		}, rateWindowMs);
		this.surveying = true;
		watch.start();
		return () => {
			watch.stop();
			clearInterval(sampler);
			for (const stop of stops) stop();
		};
	}

	/** Surveys every node now; the round's end is told like any other. */
	refresh() {
		this.surveying = true;
		void this.watch.refresh();
	}
}
