// What a student types to narrow the packet inspector's list, e.g. `vxlan vni:4097 worker1` or `icmp manager worker2`:
// words separated by spaces, every one must hold; `dropped` keeps what the switch threw away. A protocol also matches what a VXLAN frame carries, as in Wireshark.
import { frameMatches, type FrameFilter, type FrameProto, type InnerProto } from './query.ts';
import type { CaptureRecord } from './capture.ts';
import { swarmPorts } from './packet/summary.ts';

const protocols: readonly FrameProto[] = ['arp', 'icmp', 'udp', 'tcp', 'vxlan', 'esp', 'dns'];
const innerProtocols: readonly string[] = ['icmp', 'tcp', 'udp', 'arp'] satisfies InnerProto[];

export interface FrameQueryOptions {
	/** The cluster's node names: a name matches frames it sent or received; two names, frames between them. */
	nodes: readonly string[];
	/** Leave out Swarm's gossip (TCP and UDP 7946): every node talks to every other all the time. */
	hideGossip?: boolean;
	/** Leave out ARP. */
	hideArp?: boolean;
}

export type FrameQuery = { match: (record: CaptureRecord) => boolean } | { unknownTerm: string };

/** Frames a fault kept from their destination are listed too (marked dropped): what a student needs to see. */
const has = (record: CaptureRecord, filter: FrameFilter) => frameMatches(record, { ...filter, includeDropped: true });

const ipv4Pattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseFrameQuery(text: string, options: FrameQueryOptions): FrameQuery {
	const tests: ((record: CaptureRecord) => boolean)[] = [];
	const nodes: string[] = [];
	for (const term of text.trim().toLowerCase().split(/\s+/).filter(Boolean)) {
		const [key, value] = term.includes(':') ? term.split(':', 2) : [term, ''];
		if (!value && (protocols as readonly string[]).includes(key)) {
			const proto = key as FrameProto;
			const inner = innerProtocols.includes(proto) ? { inner: { proto: proto as InnerProto } } : undefined;
			tests.push((record) => has(record, { proto }) || (!!inner && has(record, inner)));
		} else if ((key === 'port' || key === 'vni') && /^\d+$/.test(value)) {
			const number = Number(value);
			const filters: FrameFilter[] = key === 'vni' ? [{ vni: number }] : [{ udpPort: number }, { tcpPort: number }];
			tests.push((record) => filters.some((filter) => has(record, filter)));
		} else if (term === 'dropped') {
			tests.push((record) => frameMatches(record, { dropped: true }));
		} else if (!value && ipv4Pattern.test(term)) {
			const ends: FrameFilter[] = [{ srcIp: term }, { dstIp: term }, { inner: { srcIp: term } }, { inner: { dstIp: term } }];
			tests.push((record) => ends.some((filter) => has(record, filter)));
		} else if (!value && options.nodes.includes(term)) {
			nodes.push(term);
		} else {
			return { unknownTerm: term };
		}
	}
	if (nodes.length === 1) tests.push((record) => has(record, { from: nodes[0] }) || has(record, { to: nodes[0] }));
	else if (nodes.length === 2) tests.push((record) => has(record, { between: [nodes[0], nodes[1]] }));
	else if (nodes.length > 2) return { unknownTerm: nodes[2] };
	if (options.hideGossip) tests.push((record) => !has(record, { udpPort: swarmPorts.gossip }) && !has(record, { tcpPort: swarmPorts.gossip }));
	if (options.hideArp) tests.push((record) => !has(record, { proto: 'arp' }));
	return { match: (record) => tests.every((test) => test(record)) };
}
