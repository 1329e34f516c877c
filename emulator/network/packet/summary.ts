// The one-line description of a decoded frame that capture views and grader messages show.
import { arpOps } from './arp.ts';
import type { DecodedFrame } from './decode.ts';
import type { DnsMessage } from './dns.ts';
import { etherTypes } from './ethernet.ts';
import { describeIcmp } from './icmp.ts';
import { hex } from './layer.ts';
import { vxlanPort } from './vxlan.ts';

/** Swarm's ports: 2377 the managers' control plane, 7946 gossip between nodes, 4789 the overlays' data (VXLAN). */
export const swarmPorts = { control: 2377, gossip: 7946, data: vxlanPort } as const;

/** The ports a Swarm student meets, named so a capture reads like the lesson. */
export const swarmServices: Record<number, string> = { 53: 'dns', [swarmPorts.control]: 'swarm-control', [swarmPorts.data]: 'vxlan', [swarmPorts.gossip]: 'gossip' };

const etherTypeNames: Record<number, string> = { [etherTypes.ipv6]: 'IPv6' };
const ipProtocolNames: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 50: 'ESP' };

export function summarize(frame: Omit<DecodedFrame, 'summary'>): string {
	const text = describe(frame);
	return frame.error ? `${text} (error: ${frame.error})` : text;
}

function describe(frame: Omit<DecodedFrame, 'summary'>): string {
	const { eth, arp, ipv4 } = frame;
	if (!eth) return `runt frame (${frame.length} bytes)`;
	if (arp) {
		if (arp.op === arpOps.request) return `ARP who-has ${arp.targetIp} tell ${arp.senderIp}`;
		if (arp.op === arpOps.reply) return `ARP ${arp.senderIp} is-at ${arp.senderMac}`;
		return `ARP op ${arp.op} ${arp.senderIp} → ${arp.targetIp}`;
	}
	if (!ipv4) {
		const name = eth.type === etherTypes.ipv4 ? 'IPv4' : eth.type === etherTypes.arp ? 'ARP' : etherTypeNames[eth.type];
		return `${eth.src} → ${eth.dst} ${name ?? `ethertype 0x${eth.type.toString(16).padStart(4, '0')}`}`;
	}
	const hosts = `${ipv4.src} → ${ipv4.dst}`;
	const protoName = ipProtocolNames[ipv4.proto] ?? `IP proto ${ipv4.proto}`;
	if (ipv4.fragmentOffset > 0) {
		const more = ipv4.moreFragments ? 'more follow' : 'last';
		return `${hosts} IPv4 fragment of ${protoName} id ${ipv4.id} at offset ${ipv4.fragmentOffset} (${more})`;
	}
	const firstFragment = ipv4.moreFragments ? ` (first fragment of id ${ipv4.id})` : '';
	return describeTransport(frame, hosts) + firstFragment;
}

function describeTransport(frame: Omit<DecodedFrame, 'summary'>, hosts: string): string {
	const { ipv4, icmp, tcp, udp, vxlan, esp, dns } = frame;
	if (icmp) return `${hosts} ICMP ${describeIcmp(icmp)}`;
	if (esp) return `${hosts} ESP spi ${hex(esp.spi, 8)} seq ${esp.seq}`;
	if (vxlan) return `${hosts} VXLAN vni ${vxlan.vni} [${vxlan.inner.summary}]`;
	if (tcp) {
		const flags = tcp.flags ? ` [${tcp.flags}]` : '';
		return `${ipv4!.src}:${tcp.srcPort} → ${ipv4!.dst}:${tcp.dstPort} TCP${service(tcp.srcPort, tcp.dstPort)}${flags}`;
	}
	if (udp) {
		const endpoints = `${ipv4!.src}:${udp.srcPort} → ${ipv4!.dst}:${udp.dstPort}`;
		if (dns) return `${endpoints} ${describeDns(dns)}`;
		return `${endpoints} UDP${service(udp.srcPort, udp.dstPort)} len ${udp.length - 8}`;
	}
	return `${hosts} ${ipProtocolNames[ipv4!.proto] ?? `IP proto ${ipv4!.proto}`}`;
}

function service(srcPort: number, dstPort: number): string {
	const name = swarmServices[dstPort] ?? swarmServices[srcPort];
	return name ? ` ${name}` : '';
}

function describeDns(dns: DnsMessage): string {
	const asked = dns.questions.map((question) => `${question.type} ${question.name}`).join(', ');
	if (!dns.qr) return `DNS query ${asked}`.trimEnd();
	if (dns.rcode !== 'NOERROR') return `DNS response ${dns.rcode} ${asked}`.trimEnd();
	const answers = dns.answers.map((answer) => `${answer.name} ${answer.type} ${answer.data ?? '…'}`).join(', ');
	return `DNS response ${answers || `(no answer) ${asked}`}`.trimEnd();
}
