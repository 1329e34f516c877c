// VXLAN, the overlay's tunnel: a 24-bit network id in front of a whole Ethernet frame, carried over UDP 4789.
import { hex, truncated, type HeaderField, type Layer } from './layer.ts';

export const vxlanPort = 4789;

// VXLAN: 8-byte header, flags in byte 0 (I flag 0x08 = VNI valid), VNI in bytes 4..6, inner frame from 8.
const flagsOffset = 0;
const vniOffset = 4;
const headerLength = 8;
export const vxlanVniValidFlag = 0x08;

export interface VxlanHeader {
	flags: number;
	vni: number;
}

export function decodeVxlan(bytes: Uint8Array): Layer<VxlanHeader> {
	if (bytes.length < headerLength) return truncated('vxlan', headerLength, bytes.length);
	const vni = (bytes[vniOffset] << 16) | (bytes[vniOffset + 1] << 8) | bytes[vniOffset + 2];
	const header: VxlanHeader = { flags: bytes[flagsOffset], vni };
	const payload = bytes.subarray(headerLength);
	// Receivers drop such frames; a capture still shows what they carried.
	if (!(header.flags & vxlanVniValidFlag)) return { header, payload, error: `vxlan I flag not set (flags 0x${header.flags.toString(16)})` };
	return { header, payload };
}

export function vxlanFields(header: VxlanHeader): HeaderField[] {
	return [
		{ id: 'vxlan.flags', value: hex(header.flags, 2), offset: flagsOffset, length: 1 },
		{ id: 'vxlan.vni', value: `${header.vni}`, offset: vniOffset, length: 3 },
	];
}
