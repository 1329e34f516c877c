// Ethernet II framing: the two MACs and the EtherType, with 802.1Q/802.1ad tags stepped over to reach the payload.
import { formatMac } from './address.ts';
import { dataView, hex, truncated, type HeaderField, type Layer } from './layer.ts';

export const etherTypes = { ipv4: 0x0800, arp: 0x0806, vlan: 0x8100, ipv6: 0x86dd, qinq: 0x88a8 } as const;

// Ethernet II: destination MAC at 0, source MAC at 6, EtherType at 12, payload from 14.
const dstOffset = 0;
const srcOffset = 6;
const typeOffset = 12;
const headerLength = 14;
// 802.1Q tag: 2-byte TCI (priority, VLAN id in the low 12 bits), then the next EtherType.
const tagLength = 4;
const vlanIdMask = 0x0fff;

export interface EthernetHeader {
	dst: string;
	src: string;
	/** The EtherType of the payload, after any VLAN tags. */
	type: number;
	/** The outermost VLAN id, when the frame is tagged. */
	vlan?: number;
}

export function decodeEthernet(bytes: Uint8Array): Layer<EthernetHeader> {
	if (bytes.length < headerLength) return truncated('ethernet', headerLength, bytes.length);
	const view = dataView(bytes);
	const header: EthernetHeader = { dst: formatMac(bytes, dstOffset), src: formatMac(bytes, srcOffset), type: view.getUint16(typeOffset) };
	let offset = headerLength;
	while (header.type === etherTypes.vlan || header.type === etherTypes.qinq) {
		if (bytes.length < offset + tagLength) return { header, payload: bytes.subarray(offset), ...truncated('802.1Q tag', tagLength, bytes.length - offset) };
		header.vlan ??= view.getUint16(offset) & vlanIdMask;
		header.type = view.getUint16(offset + 2);
		offset += tagLength;
	}
	return { header, payload: bytes.subarray(offset) };
}

/** The MAC at offset is a group address (broadcast or multicast): the I/G bit, lowest of its first byte, is set. */
export function isGroupMac(bytes: Uint8Array, offset = dstOffset): boolean {
	return (bytes[offset] & 1) === 1;
}

/** `length`: the header's bytes, tags included (where the decoder's payload starts). */
export function ethernetFields(header: EthernetHeader, length: number): HeaderField[] {
	return [
		{ id: 'eth.dst', value: header.dst, offset: dstOffset, length: 6 },
		{ id: 'eth.src', value: header.src, offset: srcOffset, length: 6 },
		...(header.vlan !== undefined ? [{ id: 'eth.vlan', value: String(header.vlan), offset: headerLength, length: 2 }] : []),
		{ id: 'eth.type', value: hex(header.type, 4), offset: length - 2, length: 2 },
	];
}
