// ICMP, UDP, TCP and ESP: the layers right above IPv4.
import { expect, test } from 'vitest';
import { decodeEsp } from '../../../../emulator/network/packet/esp.ts';
import { decodeIcmp, describeIcmp } from '../../../../emulator/network/packet/icmp.ts';
import { decodeTcp } from '../../../../emulator/network/packet/tcp.ts';
import { decodeUdp } from '../../../../emulator/network/packet/udp.ts';
import { hex, syntheticFrames } from '../fixtures/synthetic-frames.ts';

const l4 = (bytes: Uint8Array) => bytes.subarray(34);

test.each([
	['echo request', l4(syntheticFrames.icmpEchoRequest.bytes), { type: 8, code: 0, id: 0x0a1b, seq: 1 }, 'echo request'],
	['echo reply', hex('00 00 00 00 00 21 00 07'), { type: 0, code: 0, id: 0x21, seq: 7 }, 'echo reply'],
	['fragmentation needed', hex('03 04 00 00 00 00 05 aa'), { type: 3, code: 4, mtu: 1450 }, 'destination unreachable (fragmentation needed, mtu 1450)'],
	['port unreachable', hex('03 03 00 00 00 00 00 00'), { type: 3, code: 3 }, 'destination unreachable (port)'],
	['time exceeded', hex('0b 00 00 00 00 00 00 00'), { type: 11, code: 0 }, 'time exceeded'],
	['unknown type', hex('2a 01 00 00 00 00 00 00'), { type: 42, code: 1 }, 'type 42 code 1'],
])('ICMP %s', (_, bytes, header, text) => {
	const layer = decodeIcmp(bytes);
	expect(layer.header).toEqual(header);
	expect(describeIcmp(layer.header!)).toBe(text);
});

test.each([
	['gossip', l4(syntheticFrames.udpGossip.bytes), { srcPort: 7946, dstPort: 7946, length: 49 }, 41, undefined],
	['vxlan', l4(syntheticFrames.vxlanIcmp.bytes), { srcPort: 37641, dstPort: 4789, length: 114 }, 106, undefined],
	['length past the data', hex('00 35 cf 84 00 40 00 00 01 02'), { srcPort: 53, dstPort: 53124, length: 64 }, 2, 'truncated udp datagram (10 of 64 bytes)'],
	['length inside the header', hex('00 35 cf 84 00 04 00 00'), { srcPort: 53, dstPort: 53124, length: 4 }, 0, 'udp length 4 is shorter than its header'],
])('UDP %s', (_, bytes, header, payloadLength, error) => {
	const layer = decodeUdp(bytes);
	expect(layer.header).toEqual(header);
	expect(layer.payload?.length).toBe(payloadLength);
	expect(layer.error).toBe(error);
});

const segment = (flags: number) => hex(`a1 12 09 49 00 00 00 01 00 00 00 02 50 ${flags.toString(16).padStart(2, '0')} 01 00 00 00 00 00`);

test.each([
	[0x02, 'SYN'],
	[0x12, 'SYN,ACK'],
	[0x10, 'ACK'],
	[0x18, 'PSH,ACK'],
	[0x11, 'FIN,ACK'],
	[0x14, 'RST,ACK'],
	[0x00, ''],
])('TCP flags 0x%s read as "%s"', (flags, text) => {
	expect(decodeTcp(segment(flags)).header).toMatchObject({ flags: text, seq: 1, ack: 2, headerLength: 20 });
});

test('TCP SYN to the control plane, options skipped', () => {
	const layer = decodeTcp(l4(syntheticFrames.tcpSynControlPlane.bytes));
	expect(layer.header).toEqual({ srcPort: 41234, dstPort: 2377, seq: 0x6b8b4567, ack: 0, flags: 'SYN', headerLength: 40, window: 64240 });
	expect(layer.payload?.length).toBe(0);
});

test.each([
	['ICMP', () => decodeIcmp(hex('08 00')), 'truncated icmp header (2 of 4 bytes)'],
	['ICMP echo', () => decodeIcmp(hex('08 00 00 00 00')), 'truncated icmp header (5 of 8 bytes)'],
	['UDP', () => decodeUdp(hex('1f 0a 1f')), 'truncated udp header (3 of 8 bytes)'],
	['TCP', () => decodeTcp(hex('a1 12 09 49 6b 8b')), 'truncated tcp header (6 of 20 bytes)'],
	['TCP options', () => decodeTcp(l4(syntheticFrames.tcpSynControlPlane.bytes).subarray(0, 30)), 'truncated tcp header (30 of 40 bytes)'],
	['ESP', () => decodeEsp(hex('4f 1a 2b')), 'truncated esp header (3 of 8 bytes)'],
])('%s cut short', (_, decode, error) => {
	expect(decode().error).toBe(error);
});

test('ESP shows its SPI and sequence, nothing of the encrypted rest', () => {
	const layer = decodeEsp(l4(syntheticFrames.espOverlay.bytes));
	expect(layer.header).toEqual({ spi: 0x4f1a2b3c, seq: 7 });
	expect(layer.payload?.length).toBe(140);
});
