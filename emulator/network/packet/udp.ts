// UDP datagrams: the two ports and the length that says where the payload ends.
import { dataView, truncated, type HeaderField, type Layer } from './layer.ts';

// UDP: source port at 0, destination port at 2, length (header included) at 4, checksum at 6.
const srcPortOffset = 0;
const dstPortOffset = 2;
const lengthOffset = 4;
const headerLength = 8;

export interface UdpHeader {
	srcPort: number;
	dstPort: number;
	/** Header and payload, as the sender wrote it. */
	length: number;
}

export function decodeUdp(bytes: Uint8Array): Layer<UdpHeader> {
	if (bytes.length < headerLength) return truncated('udp', headerLength, bytes.length);
	const view = dataView(bytes);
	const header: UdpHeader = { srcPort: view.getUint16(srcPortOffset), dstPort: view.getUint16(dstPortOffset), length: view.getUint16(lengthOffset) };
	if (header.length < headerLength) return { header, payload: bytes.subarray(headerLength), error: `udp length ${header.length} is shorter than its header` };
	const payload = bytes.subarray(headerLength, header.length);
	if (bytes.length < header.length) return { header, payload, error: `truncated udp datagram (${bytes.length} of ${header.length} bytes)` };
	return { header, payload };
}

export function udpFields(header: UdpHeader): HeaderField[] {
	return [
		{ id: 'udp.srcPort', value: `${header.srcPort}`, offset: srcPortOffset, length: 2 },
		{ id: 'udp.dstPort', value: `${header.dstPort}`, offset: dstPortOffset, length: 2 },
		{ id: 'udp.length', value: `${header.length}`, offset: lengthOffset, length: 2 },
	];
}
