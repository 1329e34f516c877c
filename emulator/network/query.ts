// The grader's question to the capture: which frames crossed the switch, between which nodes, carrying what.
import { decodeRecord, type CaptureRecord } from './capture.ts';
import type { DecodedFrame } from './packet/decode.ts';

export type FrameProto = 'arp' | 'icmp' | 'udp' | 'tcp' | 'vxlan' | 'esp' | 'dns';
export type InnerProto = 'icmp' | 'tcp' | 'udp' | 'arp';

export interface FrameFilter {
	/** Switch-clock milliseconds: only frames recorded at or after this time. */
	since?: number;
	/** On the outer frame; 'udp' also matches VXLAN and DNS, which ride on UDP. */
	proto?: FrameProto;
	/** The port (node) that sent the frame. */
	from?: string;
	/** A port (node) the frame was delivered to. */
	to?: string;
	/** Sent by one and delivered to the other, either way. */
	between?: readonly [string, string];
	/** Outer UDP source or destination port. */
	udpPort?: number;
	/** Outer TCP source or destination port. */
	tcpPort?: number;
	vni?: number;
	/** What a VXLAN frame carries; implies a VXLAN frame. */
	inner?: { proto?: InnerProto; srcIp?: string; dstIp?: string };
	/** Outer IPv4 source (for ARP: the sender's address). */
	srcIp?: string;
	/** Outer IPv4 destination (for ARP: the address asked for). */
	dstIp?: string;
	/** Also count frames that went nowhere; `to`/`between` then match the ports they were meant for. */
	includeDropped?: boolean;
	/**
	 * Only what the switch threw away (a fault, a pulled cable): frames that went nowhere and copies a port did not
	 * get; `to`/`between` then match the ports that missed them. What a troubleshooter looks for on the wire.
	 */
	dropped?: boolean;
}

export function matchFrames(records: Iterable<CaptureRecord>, filter: FrameFilter = {}): CaptureRecord[] {
	const matching: CaptureRecord[] = [];
	for (const record of records) if (frameMatches(record, filter)) matching.push(record);
	return matching;
}

export function countFrames(records: Iterable<CaptureRecord>, filter: FrameFilter = {}): number {
	let count = 0;
	for (const record of records) if (frameMatches(record, filter)) count++;
	return count;
}

/** One record against a filter: for live views listening to the switch's 'frame' event. */
export function frameMatches(record: CaptureRecord, filter: FrameFilter): boolean {
	if (filter.dropped ? !record.dropped && !record.drops?.length : record.dropped && !filter.includeDropped) return false;
	if (filter.since !== undefined && record.time < filter.since) return false;
	if (filter.from !== undefined && record.ingress !== filter.from) return false;
	if (filter.to !== undefined && !reached(record, filter).includes(filter.to)) return false;
	if (filter.between) {
		const [a, b] = filter.between;
		const targets = reached(record, filter);
		if (!((record.ingress === a && targets.includes(b)) || (record.ingress === b && targets.includes(a)))) return false;
	}
	// Cheap checks first: only decode (once per record, memoized) when the filter looks inside the frame.
	if (!looksInside(filter)) return true;
	const frame = decodeRecord(record);
	if (filter.proto && !hasProto(frame, filter.proto)) return false;
	if (!addressesMatch(frame, filter.srcIp, filter.dstIp)) return false;
	if (filter.udpPort !== undefined && frame.udp?.srcPort !== filter.udpPort && frame.udp?.dstPort !== filter.udpPort) return false;
	if (filter.tcpPort !== undefined && frame.tcp?.srcPort !== filter.tcpPort && frame.tcp?.dstPort !== filter.tcpPort) return false;
	if (filter.vni !== undefined && frame.vxlan?.vni !== filter.vni) return false;
	if (filter.inner) {
		const inner = frame.vxlan?.inner;
		if (!inner) return false;
		if (filter.inner.proto && !hasProto(inner, filter.inner.proto)) return false;
		if (!addressesMatch(inner, filter.inner.srcIp, filter.inner.dstIp)) return false;
	}
	return true;
}

function reached(record: CaptureRecord, filter: FrameFilter): string[] {
	if (filter.dropped) return record.drops?.map((drop) => drop.port) ?? [];
	if (!filter.includeDropped || !record.drops) return record.egress;
	return [...record.egress, ...record.drops.map((drop) => drop.port)];
}

function looksInside(filter: FrameFilter): boolean {
	const { proto, srcIp, dstIp, udpPort, tcpPort, vni, inner } = filter;
	return [proto, srcIp, dstIp, udpPort, tcpPort, vni, inner].some((value) => value !== undefined);
}

function hasProto(frame: DecodedFrame, proto: FrameProto): boolean {
	return frame[proto] !== undefined;
}

function addressesMatch(frame: DecodedFrame, srcIp?: string, dstIp?: string): boolean {
	if (srcIp === undefined && dstIp === undefined) return true;
	const src = frame.ipv4?.src ?? frame.arp?.senderIp;
	const dst = frame.ipv4?.dst ?? frame.arp?.targetIp;
	return (srcIp === undefined || src === srcIp) && (dstIp === undefined || dst === dstIp);
}

/** The filter in words, for grader messages: "VXLAN frames (VNI 4097, carrying ICMP 10.0.1.2 → 10.0.1.3, between manager and worker1)". */
export function describeFilter(filter: FrameFilter): string {
	const clauses: string[] = [];
	if (filter.udpPort !== undefined) clauses.push(`UDP port ${filter.udpPort}`);
	if (filter.tcpPort !== undefined) clauses.push(`TCP port ${filter.tcpPort}`);
	if (filter.vni !== undefined) clauses.push(`VNI ${filter.vni}`);
	if (filter.srcIp !== undefined || filter.dstIp !== undefined) clauses.push(`${filter.srcIp ?? 'any'} → ${filter.dstIp ?? 'any'}`);
	if (filter.inner) {
		const { proto, srcIp, dstIp } = filter.inner;
		const addresses = srcIp !== undefined || dstIp !== undefined ? ` ${srcIp ?? 'any'} → ${dstIp ?? 'any'}` : '';
		clauses.push(`carrying ${proto ? proto.toUpperCase() : 'a frame'}${addresses}`);
	}
	if (filter.from !== undefined) clauses.push(`sent by ${filter.from}`);
	if (filter.to !== undefined) clauses.push(`delivered to ${filter.to}`);
	if (filter.between) clauses.push(`between ${filter.between[0]} and ${filter.between[1]}`);
	if (filter.since !== undefined) clauses.push(`since ${new Date(filter.since).toISOString()}`);
	if (filter.includeDropped) clauses.push('dropped ones included');
	const kind = filter.proto ? `${filter.proto.toUpperCase()} frames` : filter.inner ? 'VXLAN frames' : 'frames';
	const subject = filter.dropped ? `dropped ${kind}` : kind;
	return clauses.length ? `${subject} (${clauses.join(', ')})` : subject;
}
