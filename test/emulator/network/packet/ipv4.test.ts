import { expect, test } from 'vitest';
import { decodeIpv4, internetChecksum } from '../../../../emulator/network/packet/ipv4.ts';
import { hex, syntheticFrames } from '../fixtures/synthetic-frames.ts';

const ipOf = (bytes: Uint8Array) => decodeIpv4(bytes.subarray(14));

test.each([
	['ping, DF set', syntheticFrames.icmpEchoRequest.bytes, { src: '10.0.3.62', dst: '10.0.3.63', proto: 1, ttl: 64, totalLength: 84, headerLength: 20, dontFragment: true, fragment: false }],
	['vxlan, DF clear', syntheticFrames.vxlanIcmp.bytes, { proto: 17, totalLength: 134, dontFragment: false, fragment: false }],
	['first fragment', syntheticFrames.vxlanFragmentFirst.bytes, { id: 0x1a2d, moreFragments: true, fragmentOffset: 0, fragment: true }],
	['last fragment', syntheticFrames.vxlanFragmentSecond.bytes, { id: 0x1a2d, moreFragments: false, fragmentOffset: 1480, fragment: true }],
	['ESP', syntheticFrames.espOverlay.bytes, { proto: 50, totalLength: 168 }],
])('%s', (_, bytes, header) => {
	const layer = ipOf(bytes);
	expect(layer.header).toMatchObject({ ...header, checksumValid: true });
	expect(layer.payload?.length).toBe(layer.header!.totalLength - 20);
});

test('a header with options: the payload starts after them', () => {
	// IHL 6: one 4-byte option (NOP NOP NOP EOL), then 4 bytes of payload.
	const header = hex('46 00 00 1c 00 01 00 00 40 11 00 00 0a 00 03 3e 0a 00 03 3f 01 01 01 00');
	const checksum = internetChecksum(header);
	header[10] = checksum >> 8;
	header[11] = checksum & 0xff;
	const layer = decodeIpv4(new Uint8Array([...header, 1, 2, 3, 4]));
	expect(layer.header).toMatchObject({ headerLength: 24, checksumValid: true });
	expect([...layer.payload!]).toEqual([1, 2, 3, 4]);
});

test('a wrong checksum is reported, not fatal', () => {
	const bytes = syntheticFrames.icmpEchoRequest.bytes.slice(14);
	bytes[8] = 1; // TTL changed without updating the checksum
	expect(decodeIpv4(bytes).header).toMatchObject({ ttl: 1, checksumValid: false });
});

test.each([
	['fewer than 20 bytes', hex('45 00 00 54 3c 2a'), 'truncated ipv4 header (6 of 20 bytes)'],
	['IPv6 in an IPv4 frame', hex('60' + ' 00'.repeat(39)), 'ip version 6 in an IPv4 frame'],
	['IHL below 5', hex('44' + ' 00'.repeat(19)), 'ipv4 header length 16 is below 20'],
	['total length inside the header', hex('45 00 00 10' + ' 00'.repeat(16)), 'ipv4 total length 16 is shorter than its header'],
	['cut datagram', syntheticFrames.truncatedTcpSyn.bytes.subarray(14), 'truncated ipv4 packet (26 of 60 bytes)'],
])('%s', (_, bytes, error) => {
	expect(decodeIpv4(bytes).error).toBe(error);
});
