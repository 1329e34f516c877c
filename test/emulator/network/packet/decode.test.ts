import { describe, expect, test } from 'vitest';
import { decodeFrame } from '../../../../emulator/network/packet/decode.ts';
import { syntheticFrames, type SyntheticFrameName } from '../fixtures/synthetic-frames.ts';

const summaries: [SyntheticFrameName, string][] = [
	['arpRequest', 'ARP who-has 10.0.3.63 tell 10.0.3.62'],
	['arpReply', 'ARP 10.0.3.63 is-at 02:5a:0a:00:03:3f'],
	['icmpEchoRequest', '10.0.3.62 → 10.0.3.63 ICMP echo request'],
	['tcpSynControlPlane', '10.0.3.63:41234 → 10.0.3.62:2377 TCP swarm-control [SYN]'],
	['udpGossip', '10.0.3.62:7946 → 10.0.3.63:7946 UDP gossip len 41'],
	['vxlanIcmp', '10.0.3.62 → 10.0.3.63 VXLAN vni 4097 [10.0.1.2 → 10.0.1.3 ICMP echo request]'],
	['espOverlay', '10.0.3.62 → 10.0.3.63 ESP spi 0x4f1a2b3c seq 7'],
	['dnsQuery', '10.0.1.2:53124 → 127.0.0.11:53 DNS query A web'],
	['dnsAnswer', '127.0.0.11:53 → 10.0.1.2:53124 DNS response web A 10.0.1.5'],
	['vxlanFragmentSecond', '10.0.3.62 → 10.0.3.63 IPv4 fragment of UDP id 6701 at offset 1480 (last)'],
];

describe('decodeFrame', () => {
	test.each(summaries)('%s reads as "%s"', (name, summary) => {
		const frame = decodeFrame(syntheticFrames[name].bytes);
		expect(frame.summary).toBe(summary);
		expect(frame.error).toBeUndefined();
	});

	test.each(Object.keys(syntheticFrames) as SyntheticFrameName[])('%s: IPv4 header checksums verify', (name) => {
		const frame = decodeFrame(syntheticFrames[name].bytes);
		if (frame.ipv4) expect(frame.ipv4.checksumValid).toBe(true);
		if (frame.vxlan?.inner.ipv4) expect(frame.vxlan.inner.ipv4.checksumValid).toBe(true);
	});

	test('a VXLAN frame carries its inner frame decoded as a frame of its own', () => {
		const frame = decodeFrame(syntheticFrames.vxlanIcmp.bytes);
		expect(frame.udp).toMatchObject({ srcPort: 37641, dstPort: 4789, length: 114 });
		expect(frame.vxlan).toMatchObject({ flags: 0x08, vni: 4097 });
		const inner = frame.vxlan!.inner;
		expect(inner.eth).toMatchObject({ src: '02:42:0a:00:01:02', dst: '02:42:0a:00:01:03', type: 0x0800 });
		expect(inner.ipv4).toMatchObject({ src: '10.0.1.2', dst: '10.0.1.3', proto: 1, dontFragment: true });
		expect(inner.icmp).toEqual({ type: 8, code: 0, id: 0x21, seq: 1 });
		expect(inner.length).toBe(98);
	});

	test('the first fragment of a VXLAN datagram still shows its VNI; the cut inner frame says so', () => {
		const frame = decodeFrame(syntheticFrames.vxlanFragmentFirst.bytes);
		expect(frame.ipv4).toMatchObject({ fragment: true, moreFragments: true, fragmentOffset: 0, dontFragment: false, totalLength: 1500 });
		expect(frame.vxlan?.vni).toBe(4097);
		expect(frame.error).toBeUndefined();
		expect(frame.vxlan?.inner.error).toBe('truncated ipv4 packet (1450 of 1500 bytes)');
		expect(frame.summary).toMatch(/^10\.0\.3\.62 → 10\.0\.3\.63 VXLAN vni 4097 \[.*\] \(first fragment of id 6701\)$/);
	});

	test('a later fragment has no transport header to read', () => {
		const frame = decodeFrame(syntheticFrames.vxlanFragmentSecond.bytes);
		expect(frame.ipv4).toMatchObject({ fragment: true, moreFragments: false, fragmentOffset: 1480, totalLength: 70 });
		expect(frame.udp).toBeUndefined();
		expect(frame.vxlan).toBeUndefined();
	});

	test('a truncated frame keeps the layers it has and names what is missing', () => {
		const frame = decodeFrame(syntheticFrames.truncatedTcpSyn.bytes);
		expect(frame.eth?.src).toBe('02:5a:0a:00:03:3f');
		expect(frame.ipv4).toMatchObject({ src: '10.0.3.63', dst: '10.0.3.62', totalLength: 60 });
		expect(frame.tcp).toBeUndefined();
		expect(frame.error).toBe('truncated ipv4 packet (26 of 60 bytes); truncated tcp header (6 of 20 bytes)');
		expect(frame.summary).toContain('(error: truncated ipv4 packet');
	});

	test.each([
		[0, 'runt frame (0 bytes) (error: truncated ethernet header (0 of 14 bytes))'],
		[13, 'runt frame (13 bytes) (error: truncated ethernet header (13 of 14 bytes))'],
	])('a %i-byte frame is a runt', (length, summary) => {
		expect(decodeFrame(syntheticFrames.icmpEchoRequest.bytes.subarray(0, length)).summary).toBe(summary);
	});

	test.each(Object.keys(syntheticFrames) as SyntheticFrameName[])('%s cut at every length never throws', (name) => {
		const bytes = syntheticFrames[name].bytes;
		for (let length = 0; length < bytes.length; length++) {
			const frame = decodeFrame(bytes.subarray(0, length));
			expect(typeof frame.summary).toBe('string');
			expect(frame.length).toBe(length);
		}
	});

	test.each(Object.keys(syntheticFrames) as SyntheticFrameName[])('%s with random bytes flipped never throws', (name) => {
		// A small deterministic generator: the same corruptions on every run.
		let state = 0x2545f491;
		const random = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
		const original = syntheticFrames[name].bytes;
		for (let round = 0; round < 200; round++) {
			const bytes = original.slice();
			for (let flips = 0; flips < 4; flips++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
			expect(() => decodeFrame(bytes)).not.toThrow();
		}
	});

	test('decoding reads the view, not the whole buffer it sits in', () => {
		const bytes = syntheticFrames.udpGossip.bytes;
		const buffer = new Uint8Array(bytes.length + 20).fill(0xee);
		buffer.set(bytes, 10);
		expect(decodeFrame(buffer.subarray(10, 10 + bytes.length)).summary).toBe(decodeFrame(bytes).summary);
	});

	test('Ethernet padding after a short datagram is not taken for payload', () => {
		const padded = new Uint8Array(syntheticFrames.dnsQuery.bytes.length + 9);
		padded.set(syntheticFrames.dnsQuery.bytes);
		const frame = decodeFrame(padded);
		expect(frame.error).toBeUndefined();
		expect(frame.dns?.questions).toEqual([{ name: 'web', type: 'A' }]);
	});
});
