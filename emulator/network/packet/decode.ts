// One frame from the wire to a plain object tree, layer by layer, VXLAN inner frames included; never throws.
import { decodeArp, type ArpPacket } from './arp.ts';
import { decodeDns, dnsPort, type DnsMessage } from './dns.ts';
import { decodeEsp, type EspHeader } from './esp.ts';
import { decodeEthernet, etherTypes, type EthernetHeader } from './ethernet.ts';
import { decodeIcmp, type IcmpHeader } from './icmp.ts';
import { decodeIpv4, ipProtocols, type Ipv4Header } from './ipv4.ts';
import type { Layer } from './layer.ts';
import { summarize } from './summary.ts';
import { decodeTcp, type TcpHeader } from './tcp.ts';
import { decodeUdp, type UdpHeader } from './udp.ts';
import { decodeVxlan, vxlanPort, type VxlanHeader } from './vxlan.ts';

export interface DecodedFrame {
	/** Bytes on the wire, Ethernet header included. */
	length: number;
	eth?: EthernetHeader;
	arp?: ArpPacket;
	ipv4?: Ipv4Header;
	icmp?: IcmpHeader;
	udp?: UdpHeader;
	tcp?: TcpHeader;
	vxlan?: VxlanHeader & { inner: DecodedFrame };
	esp?: EspHeader;
	dns?: DnsMessage;
	/** One line for people: "10.0.3.62 → 10.0.3.63 VXLAN vni 4097 [10.0.1.2 → 10.0.1.3 ICMP echo request]". */
	summary: string;
	/** What was missing or malformed; the layers before it are still decoded. */
	error?: string;
}

// VXLAN inside VXLAN is legal but rare: stop before a crafted frame nests without end.
const maxVxlanDepth = 4;

export function decodeFrame(bytes: Uint8Array): DecodedFrame {
	try {
		return decodeAt(bytes, 0);
	} catch (failure) {
		// A decoder bug must not stop a grader or a capture view: report it on the frame like any other damage.
		const error = `decoder failed: ${failure instanceof Error ? failure.message : String(failure)}`;
		return { length: bytes.length, summary: `undecodable frame (${bytes.length} bytes) (error: ${error})`, error };
	}
}

function decodeAt(bytes: Uint8Array, depth: number): DecodedFrame {
	const frame: Omit<DecodedFrame, 'summary'> = { length: bytes.length };
	const errors: string[] = [];
	/** The layer's payload when it has one; its error, if any, goes into the frame's. */
	const take = <T>(layer: Layer<T>, store: (header: T) => void): Uint8Array | undefined => {
		if (layer.error) errors.push(layer.error);
		if (layer.header === undefined) return undefined;
		store(layer.header);
		return layer.payload;
	};

	const ethPayload = take(decodeEthernet(bytes), (header) => (frame.eth = header));
	if (ethPayload && frame.eth?.type === etherTypes.arp) take(decodeArp(ethPayload), (header) => (frame.arp = header));
	if (ethPayload && frame.eth?.type === etherTypes.ipv4) {
		const ipPayload = take(decodeIpv4(ethPayload), (header) => (frame.ipv4 = header));
		const ipv4 = frame.ipv4;
		// Only the first fragment carries the transport header; the others are opaque pieces of the datagram.
		if (ipPayload && ipv4 && ipv4.fragmentOffset === 0) decodeTransport(frame, ipv4, ipPayload, depth, errors);
	}
	if (errors.length) frame.error = errors.join('; ');
	return { ...frame, summary: summarize(frame) };
}

function decodeTransport(frame: Omit<DecodedFrame, 'summary'>, ipv4: Ipv4Header, bytes: Uint8Array, depth: number, errors: string[]) {
	const collect = (error: string | undefined) => error && errors.push(error);
	switch (ipv4.proto) {
		case ipProtocols.icmp: {
			const layer = decodeIcmp(bytes);
			collect(layer.error);
			frame.icmp = layer.header;
			return;
		}
		case ipProtocols.tcp: {
			const layer = decodeTcp(bytes);
			collect(layer.error);
			frame.tcp = layer.header;
			return;
		}
		case ipProtocols.esp: {
			const layer = decodeEsp(bytes);
			collect(layer.error);
			frame.esp = layer.header;
			return;
		}
		case ipProtocols.udp: {
			const layer = decodeUdp(bytes);
			// A first fragment holds only the start of the datagram its UDP length describes.
			if (!ipv4.moreFragments) collect(layer.error);
			const udp = (frame.udp = layer.header);
			if (!udp || !layer.payload) return;
			if (udp.dstPort === vxlanPort && depth < maxVxlanDepth) {
				const vxlan = decodeVxlan(layer.payload);
				collect(vxlan.error);
				if (vxlan.header) frame.vxlan = { ...vxlan.header, inner: decodeAt(vxlan.payload, depth + 1) };
			} else if ((udp.srcPort === dnsPort || udp.dstPort === dnsPort) && !ipv4.moreFragments) {
				const dns = decodeDns(layer.payload);
				collect(dns.error);
				frame.dns = dns.header;
			}
			return;
		}
	}
}
