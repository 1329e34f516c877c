// ARP for IPv4 over Ethernet: who asks for which address, and who answers.
import { formatIpv4, formatMac } from './address.ts';
import { dataView, noBytes, truncated, type HeaderField, type Layer } from './layer.ts';

// ARP: hardware type at 0, protocol type at 2, address lengths at 4 and 5, operation at 6, then the four addresses.
const hardwareLengthOffset = 4;
const protocolLengthOffset = 5;
const opOffset = 6;
const senderMacOffset = 8;
const senderIpOffset = 14;
const targetMacOffset = 18;
const targetIpOffset = 24;
const packetLength = 28;

export const arpOps = { request: 1, reply: 2 } as const;

export interface ArpPacket {
	op: number;
	senderMac: string;
	senderIp: string;
	targetMac: string;
	targetIp: string;
}

export function decodeArp(bytes: Uint8Array): Layer<ArpPacket> {
	if (bytes.length < packetLength) return truncated('arp', packetLength, bytes.length);
	if (bytes[hardwareLengthOffset] !== 6 || bytes[protocolLengthOffset] !== 4) {
		return { error: `arp for ${bytes[hardwareLengthOffset]}-byte hardware and ${bytes[protocolLengthOffset]}-byte protocol addresses` };
	}
	const header: ArpPacket = {
		op: dataView(bytes).getUint16(opOffset),
		senderMac: formatMac(bytes, senderMacOffset),
		senderIp: formatIpv4(bytes, senderIpOffset),
		targetMac: formatMac(bytes, targetMacOffset),
		targetIp: formatIpv4(bytes, targetIpOffset),
	};
	return { header, payload: noBytes };
}

export function arpFields(packet: ArpPacket): HeaderField[] {
	const op = packet.op === arpOps.request ? 'request' : packet.op === arpOps.reply ? 'reply' : String(packet.op);
	return [
		{ id: 'arp.op', value: op, offset: opOffset, length: 2 },
		{ id: 'arp.senderMac', value: packet.senderMac, offset: senderMacOffset, length: 6 },
		{ id: 'arp.senderIp', value: packet.senderIp, offset: senderIpOffset, length: 4 },
		{ id: 'arp.targetMac', value: packet.targetMac, offset: targetMacOffset, length: 6 },
		{ id: 'arp.targetIp', value: packet.targetIp, offset: targetIpOffset, length: 4 },
	];
}
