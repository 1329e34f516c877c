// What crosses each node's cable, by kind: the swarm map draws every link's traffic from these counts. Only the outer
// headers are read (the same few facts the fault rules use), so counting costs next to nothing per frame.
import type { CaptureRecord } from './capture.ts';
import { frameFacts, type FrameFacts } from './faults.ts';
import { ipProtocols } from './packet/ipv4.ts';
import { swarmPorts } from './packet/summary.ts';

export const trafficKinds = ['vxlan', 'esp', 'gossip', 'control', 'other'] as const;
export type TrafficKind = (typeof trafficKinds)[number];

export function trafficKind(facts: FrameFacts): TrafficKind {
	// An encrypted overlay sends its VXLAN inside ESP: on the wire it is ESP.
	if (facts.ipProto === ipProtocols.esp) return 'esp';
	const isPort = (port: number) => facts.srcPort === port || facts.dstPort === port;
	if (facts.ipProto === ipProtocols.udp && isPort(swarmPorts.data)) return 'vxlan';
	if ((facts.ipProto === ipProtocols.udp || facts.ipProto === ipProtocols.tcp) && isPort(swarmPorts.gossip)) return 'gossip';
	if (facts.ipProto === ipProtocols.tcp && isPort(swarmPorts.control)) return 'control';
	return 'other';
}

/** Frames per kind on one link; `sent` is what the node put on its cable, `received` what the switch handed it. */
export interface LinkCounts {
	sent: Record<TrafficKind, number>;
	received: Record<TrafficKind, number>;
}

const zeroKinds = (): Record<TrafficKind, number> => ({ vxlan: 0, esp: 0, gossip: 0, control: 0, other: 0 });

/** Running frame counts per link and kind since it was made; a reader takes differences to get rates. */
export class LinkTraffic {
	private readonly links = new Map<string, LinkCounts>();

	count(record: CaptureRecord) {
		const kind = trafficKind(frameFacts(record.frame));
		this.link(record.ingress).sent[kind]++;
		for (const port of record.egress) this.link(port).received[kind]++;
	}

	/** A copy of every link's counts so far. */
	snapshot(): Map<string, LinkCounts> {
		return new Map([...this.links].map(([port, counts]) => [port, { sent: { ...counts.sent }, received: { ...counts.received } }]));
	}

	private link(port: string): LinkCounts {
		let counts = this.links.get(port);
		if (!counts) this.links.set(port, (counts = { sent: zeroKinds(), received: zeroKinds() }));
		return counts;
	}
}

/** Frames per second of each kind on each link between two snapshots taken `ms` apart. */
export function linkRates(before: Map<string, LinkCounts>, after: Map<string, LinkCounts>, ms: number): Map<string, Record<TrafficKind, number>> {
	const rates = new Map<string, Record<TrafficKind, number>>();
	for (const [port, now] of after) {
		const then = before.get(port);
		const rate = zeroKinds();
		for (const kind of trafficKinds) {
			const frames = now.sent[kind] + now.received[kind] - (then ? then.sent[kind] + then.received[kind] : 0);
			rate[kind] = ms > 0 ? (frames * 1000) / ms : 0;
		}
		rates.set(port, rate);
	}
	return rates;
}
