// ICMP messages: type and code, the echo id and sequence of a ping, the next-hop MTU of "fragmentation needed".
import { dataView, truncated, type HeaderField, type Layer } from './layer.ts';

// ICMP: type at 0, code at 1, checksum at 2; echo id at 4 and sequence at 6; "fragmentation needed" MTU at 6.
const typeOffset = 0;
const codeOffset = 1;
const idOffset = 4;
const seqOffset = 6;
const mtuOffset = 6;
const minLength = 4;
const headerLength = 8;

export const icmpTypes = { echoReply: 0, destinationUnreachable: 3, echoRequest: 8, timeExceeded: 11 } as const;
const fragmentationNeeded = 4;

const typeNames: Record<number, string> = {
	0: 'echo reply',
	3: 'destination unreachable',
	5: 'redirect',
	8: 'echo request',
	11: 'time exceeded',
};
const unreachableCodes: Record<number, string> = { 0: 'net', 1: 'host', 3: 'port', 4: 'fragmentation needed' };

export interface IcmpHeader {
	type: number;
	code: number;
	/** Echo request and reply only. */
	id?: number;
	seq?: number;
	/** Next-hop MTU of a "fragmentation needed" error: what path MTU discovery learns. */
	mtu?: number;
}

export function decodeIcmp(bytes: Uint8Array): Layer<IcmpHeader> {
	if (bytes.length < minLength) return truncated('icmp', minLength, bytes.length);
	const header: IcmpHeader = { type: bytes[typeOffset], code: bytes[codeOffset] };
	const wantsRest = header.type === icmpTypes.echoRequest || header.type === icmpTypes.echoReply || isFragmentationNeeded(header);
	if (bytes.length < headerLength) {
		return wantsRest ? { header, payload: bytes.subarray(bytes.length), ...truncated('icmp', headerLength, bytes.length) } : { header, payload: bytes.subarray(minLength) };
	}
	const view = dataView(bytes);
	if (header.type === icmpTypes.echoRequest || header.type === icmpTypes.echoReply) {
		header.id = view.getUint16(idOffset);
		header.seq = view.getUint16(seqOffset);
	} else if (isFragmentationNeeded(header)) {
		header.mtu = view.getUint16(mtuOffset);
	}
	return { header, payload: bytes.subarray(headerLength) };
}

function isFragmentationNeeded(header: IcmpHeader): boolean {
	return header.type === icmpTypes.destinationUnreachable && header.code === fragmentationNeeded;
}

/** "echo request", "destination unreachable (port)", "type 42 code 0". */
export function describeIcmp(header: IcmpHeader): string {
	const name = typeNames[header.type];
	if (!name) return `type ${header.type} code ${header.code}`;
	if (header.type !== icmpTypes.destinationUnreachable) return name;
	const reason = unreachableCodes[header.code] ?? `code ${header.code}`;
	return header.mtu !== undefined ? `${name} (${reason}, mtu ${header.mtu})` : `${name} (${reason})`;
}

export function icmpFields(header: IcmpHeader): HeaderField[] {
	return [
		{ id: 'icmp.type', value: `${header.type} (${describeIcmp(header)})`, offset: typeOffset, length: 1 },
		{ id: 'icmp.code', value: `${header.code}`, offset: codeOffset, length: 1 },
		...(header.id !== undefined ? [{ id: 'icmp.id', value: `${header.id}`, offset: idOffset, length: 2 }] : []),
		...(header.seq !== undefined ? [{ id: 'icmp.seq', value: `${header.seq}`, offset: seqOffset, length: 2 }] : []),
		...(header.mtu !== undefined ? [{ id: 'icmp.mtu', value: `${header.mtu}`, offset: mtuOffset, length: 2 }] : []),
	];
}
