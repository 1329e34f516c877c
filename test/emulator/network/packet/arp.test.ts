import { expect, test } from 'vitest';
import { decodeArp } from '../../../../emulator/network/packet/arp.ts';
import { decodeEthernet } from '../../../../emulator/network/packet/ethernet.ts';
import { hex, syntheticFrames } from '../fixtures/synthetic-frames.ts';

const arpOf = (bytes: Uint8Array) => decodeArp(decodeEthernet(bytes).payload!);

test.each([
	['request', syntheticFrames.arpRequest.bytes, { op: 1, senderMac: '02:5a:0a:00:03:3e', senderIp: '10.0.3.62', targetMac: '00:00:00:00:00:00', targetIp: '10.0.3.63' }],
	['padded reply', syntheticFrames.arpReply.bytes, { op: 2, senderMac: '02:5a:0a:00:03:3f', senderIp: '10.0.3.63', targetMac: '02:5a:0a:00:03:3e', targetIp: '10.0.3.62' }],
])('%s', (_, bytes, packet) => {
	expect(arpOf(bytes)).toMatchObject({ header: packet });
});

test.each([
	['cut short', syntheticFrames.arpRequest.bytes.subarray(14, 30), 'truncated arp header (16 of 28 bytes)'],
	['not Ethernet/IPv4', hex('00 01 08 00 08 04 00 01' + ' 00'.repeat(20)), 'arp for 8-byte hardware and 4-byte protocol addresses'],
])('%s: no packet, a reason', (_, bytes, error) => {
	expect(decodeArp(bytes)).toEqual({ error });
});
