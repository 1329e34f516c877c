// IPv4 headers: addresses, protocol, TTL, length and fragmentation, plus the header checksum that covers them.
import { formatIpv4 } from './address.ts';
import { dataView, hex, truncated, type HeaderField, type Layer } from './layer.ts';

export const ipProtocols = { icmp: 1, tcp: 6, udp: 17, esp: 50 } as const;

// IPv4: version+IHL at 0, total length at 2, id at 4, flags+fragment offset at 6, TTL at 8, protocol at 9,
// checksum at 10, source at 12, destination at 16; options up to IHL*4.
const versionOffset = 0;
const totalLengthOffset = 2;
const idOffset = 4;
const fragmentOffset = 6;
const ttlOffset = 8;
const protocolOffset = 9;
const checksumOffset = 10;
const srcOffset = 12;
const dstOffset = 16;
const minHeaderLength = 20;
const dontFragmentBit = 0x4000;
const moreFragmentsBit = 0x2000;
const fragmentOffsetMask = 0x1fff;

export interface Ipv4Header {
	src: string;
	dst: string;
	proto: number;
	ttl: number;
	id: number;
	headerLength: number;
	totalLength: number;
	/** DF: the sender forbids fragmentation (path MTU discovery). */
	dontFragment: boolean;
	moreFragments: boolean;
	/** Where this fragment's payload sits in the original datagram, in bytes. */
	fragmentOffset: number;
	/** Part of a fragmented datagram: MF set or a non-zero offset. */
	fragment: boolean;
	checksum: number;
	checksumValid: boolean;
}

/** The RFC 1071 ones' complement sum: 0 over a header whose checksum field is right. */
export function internetChecksum(bytes: Uint8Array, initial = 0): number {
	let sum = initial;
	for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
	if (bytes.length % 2) sum += bytes[bytes.length - 1] << 8;
	while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
	return ~sum & 0xffff;
}

export function decodeIpv4(bytes: Uint8Array): Layer<Ipv4Header> {
	if (bytes.length < minHeaderLength) return truncated('ipv4', minHeaderLength, bytes.length);
	const version = bytes[versionOffset] >> 4;
	if (version !== 4) return { error: `ip version ${version} in an IPv4 frame` };
	const headerLength = (bytes[versionOffset] & 0x0f) * 4;
	if (headerLength < minHeaderLength) return { error: `ipv4 header length ${headerLength} is below ${minHeaderLength}` };
	if (bytes.length < headerLength) return truncated('ipv4', headerLength, bytes.length);
	const view = dataView(bytes);
	const flags = view.getUint16(fragmentOffset);
	const header: Ipv4Header = {
		src: formatIpv4(bytes, srcOffset),
		dst: formatIpv4(bytes, dstOffset),
		proto: bytes[protocolOffset],
		ttl: bytes[ttlOffset],
		id: view.getUint16(idOffset),
		headerLength,
		totalLength: view.getUint16(totalLengthOffset),
		dontFragment: (flags & dontFragmentBit) !== 0,
		moreFragments: (flags & moreFragmentsBit) !== 0,
		fragmentOffset: (flags & fragmentOffsetMask) * 8,
		fragment: (flags & (moreFragmentsBit | fragmentOffsetMask)) !== 0,
		checksum: view.getUint16(checksumOffset),
		checksumValid: internetChecksum(bytes.subarray(0, headerLength)) === 0,
	};
	if (header.totalLength < headerLength) {
		return { header, payload: bytes.subarray(headerLength, headerLength), error: `ipv4 total length ${header.totalLength} is shorter than its header` };
	}
	// Ethernet pads short frames to 60 bytes: the total length, not the frame, says where the datagram ends.
	const payload = bytes.subarray(headerLength, header.totalLength);
	if (bytes.length < header.totalLength) {
		return { header, payload, error: `truncated ipv4 packet (${bytes.length} of ${header.totalLength} bytes)` };
	}
	return { header, payload };
}

const protocolNames: Record<number, string> = { [ipProtocols.icmp]: 'ICMP', [ipProtocols.tcp]: 'TCP', [ipProtocols.udp]: 'UDP', [ipProtocols.esp]: 'ESP' };

export function ipv4Fields(header: Ipv4Header): HeaderField[] {
	const flags = [header.dontFragment && 'DF', header.moreFragments && 'MF'].filter(Boolean).join(',') || '-';
	return [
		{ id: 'ipv4.headerLength', value: `${header.headerLength}`, offset: versionOffset, length: 1 },
		{ id: 'ipv4.totalLength', value: `${header.totalLength}`, offset: totalLengthOffset, length: 2 },
		{ id: 'ipv4.id', value: hex(header.id, 4), offset: idOffset, length: 2 },
		{ id: 'ipv4.flags', value: `${flags}, offset ${header.fragmentOffset}`, offset: fragmentOffset, length: 2 },
		{ id: 'ipv4.ttl', value: `${header.ttl}`, offset: ttlOffset, length: 1 },
		{ id: 'ipv4.protocol', value: `${protocolNames[header.proto] ?? header.proto} (${header.proto})`, offset: protocolOffset, length: 1 },
		{ id: 'ipv4.checksum', value: `${hex(header.checksum, 4)} ${header.checksumValid ? '✓' : '✗'}`, offset: checksumOffset, length: 2 },
		{ id: 'ipv4.src', value: header.src, offset: srcOffset, length: 4 },
		{ id: 'ipv4.dst', value: header.dst, offset: dstOffset, length: 4 },
	];
}
