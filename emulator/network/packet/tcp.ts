// TCP segments: ports, sequence numbers and the flags that tell a handshake from data or a reset.
import { dataView, truncated, type HeaderField, type Layer } from './layer.ts';

// TCP: source port at 0, destination port at 2, sequence at 4, acknowledgement at 8,
// data offset (header length in 32-bit words) in the high nibble of 12, flags at 13, window at 14.
const srcPortOffset = 0;
const dstPortOffset = 2;
const seqOffset = 4;
const ackOffset = 8;
const dataOffsetOffset = 12;
const flagsOffset = 13;
const windowOffset = 14;
const minHeaderLength = 20;

// In the order people say them: "SYN,ACK", "FIN,ACK", "PSH,ACK".
const flagNames: [number, string][] = [
	[0x02, 'SYN'],
	[0x01, 'FIN'],
	[0x04, 'RST'],
	[0x08, 'PSH'],
	[0x10, 'ACK'],
	[0x20, 'URG'],
	[0x40, 'ECE'],
	[0x80, 'CWR'],
];

export interface TcpHeader {
	srcPort: number;
	dstPort: number;
	seq: number;
	ack: number;
	/** Comma-separated flag names, e.g. "SYN,ACK"; empty when no flag is set. */
	flags: string;
	headerLength: number;
	window: number;
}

export function decodeTcp(bytes: Uint8Array): Layer<TcpHeader> {
	if (bytes.length < minHeaderLength) return truncated('tcp', minHeaderLength, bytes.length);
	const view = dataView(bytes);
	const flags = bytes[flagsOffset];
	const header: TcpHeader = {
		srcPort: view.getUint16(srcPortOffset),
		dstPort: view.getUint16(dstPortOffset),
		seq: view.getUint32(seqOffset),
		ack: view.getUint32(ackOffset),
		flags: flagNames.filter(([bit]) => flags & bit).map(([, name]) => name).join(','),
		headerLength: (bytes[dataOffsetOffset] >> 4) * 4,
		window: view.getUint16(windowOffset),
	};
	if (header.headerLength < minHeaderLength) return { header, payload: bytes.subarray(minHeaderLength), error: `tcp header length ${header.headerLength} is below ${minHeaderLength}` };
	if (bytes.length < header.headerLength) return { header, payload: bytes.subarray(bytes.length), ...truncated('tcp', header.headerLength, bytes.length) };
	return { header, payload: bytes.subarray(header.headerLength) };
}

export function tcpFields(header: TcpHeader): HeaderField[] {
	return [
		{ id: 'tcp.srcPort', value: `${header.srcPort}`, offset: srcPortOffset, length: 2 },
		{ id: 'tcp.dstPort', value: `${header.dstPort}`, offset: dstPortOffset, length: 2 },
		{ id: 'tcp.seq', value: `${header.seq}`, offset: seqOffset, length: 4 },
		{ id: 'tcp.ack', value: `${header.ack}`, offset: ackOffset, length: 4 },
		{ id: 'tcp.headerLength', value: `${header.headerLength}`, offset: dataOffsetOffset, length: 1 },
		{ id: 'tcp.flags', value: header.flags || '-', offset: flagsOffset, length: 1 },
		{ id: 'tcp.window', value: `${header.window}`, offset: windowOffset, length: 2 },
	];
}
