import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parsePcap, toPcap } from '../../../emulator/network/pcap.ts';
import { syntheticFrames } from './fixtures/synthetic-frames.ts';

const t0 = Date.UTC(2025, 4, 6, 7, 8, 9, 123);
const frames = [
	{ time: t0, frame: syntheticFrames.arpRequest.bytes },
	{ time: t0 + 1.5, frame: syntheticFrames.vxlanIcmp.bytes },
	{ time: t0 + 1000, frame: syntheticFrames.vxlanFragmentFirst.bytes },
];

describe('toPcap', () => {
	test('the file header is libpcap 2.4, little-endian, Ethernet, snaplen 65535', () => {
		const bytes = toPcap(frames);
		expect([...bytes.subarray(0, 24)]).toEqual([
			0xd4, 0xc3, 0xb2, 0xa1, // magic 0xa1b2c3d4, little-endian
			2, 0, 4, 0, // version 2.4
			0, 0, 0, 0, // thiszone
			0, 0, 0, 0, // sigfigs
			0xff, 0xff, 0, 0, // snaplen 65535
			1, 0, 0, 0, // LINKTYPE_ETHERNET
		]);
		expect(bytes.length).toBe(24 + 3 * 16 + 42 + 148 + 1514);
	});

	test('each record header carries seconds, microseconds and both lengths', () => {
		const view = new DataView(toPcap(frames).buffer);
		const second = 24 + 16 + 42;
		expect([view.getUint32(24, true), view.getUint32(28, true), view.getUint32(32, true), view.getUint32(36, true)]).toEqual([Math.floor(t0 / 1000), 123_000, 42, 42]);
		expect([view.getUint32(second, true), view.getUint32(second + 4, true), view.getUint32(second + 8, true)]).toEqual([Math.floor(t0 / 1000), 124_500, 148]);
	});

	test('round trip: the same frames at the same times', () => {
		const back = parsePcap(toPcap(frames));
		expect(back.map((record) => record.time)).toEqual(frames.map((record) => record.time));
		expect(back.map((record) => [...record.frame])).toEqual(frames.map((record) => [...record.frame]));
		expect(back.map((record) => record.originalLength)).toEqual([42, 148, 1514]);
	});

	test('an empty capture is a valid file with no records', () => {
		expect(parsePcap(toPcap([]))).toEqual([]);
	});

	test('a time a hair under the next second does not overflow the microseconds', () => {
		const view = new DataView(toPcap([{ time: 1999.9999, frame: syntheticFrames.arpRequest.bytes }]).buffer);
		expect([view.getUint32(24, true), view.getUint32(28, true)]).toEqual([1, 999_999]);
	});
});

describe('parsePcap', () => {
	test('a big-endian nanosecond file, as some tools write', () => {
		const frame = syntheticFrames.icmpEchoRequest.bytes;
		const bytes = new Uint8Array(24 + 16 + frame.length);
		const view = new DataView(bytes.buffer);
		view.setUint32(0, 0xa1b23c4d);
		view.setUint16(4, 2);
		view.setUint16(6, 4);
		view.setUint32(16, 262144);
		view.setUint32(20, 1);
		view.setUint32(24, 1_700_000_000);
		view.setUint32(28, 250_000_000);
		view.setUint32(32, frame.length);
		view.setUint32(36, frame.length);
		bytes.set(frame, 40);
		expect(parsePcap(bytes)).toEqual([{ time: 1_700_000_000_250, frame, originalLength: frame.length }]);
	});

	test.each([
		['too short', new Uint8Array(10), 'pcap: 10 bytes is shorter than the 24-byte file header'],
		['pcapng', Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, ...new Uint8Array(20)), 'pcap: magic 0xa0d0d0a is not a libpcap file (pcapng is not supported)'],
		['not Ethernet', (() => { const bytes = toPcap([]); bytes[20] = 113; return bytes; })(), 'pcap: link type 113 is not Ethernet (1)'],
		['a cut record', toPcap(frames).subarray(0, 100), 'pcap: record 2 cut at byte 100 (needs 148 bytes from 98)'],
	])('%s fails with a message', (_, bytes, message) => {
		expect(() => parsePcap(bytes)).toThrow(message);
	});
});

const tcpdump = ['/usr/bin/tcpdump', '/usr/sbin/tcpdump'].find((path) => existsSync(path));

// The independent check: the reference reader agrees with ours. Runs where tcpdump is installed.
describe.runIf(tcpdump)('read back by tcpdump', () => {
	const read = (records: typeof frames, ...flags: string[]) => {
		const dir = mkdtempSync(join(tmpdir(), 'swarmlab-pcap-'));
		try {
			const file = join(dir, 'capture.pcap');
			writeFileSync(file, toPcap(records));
			return execFileSync(tcpdump!, ['-r', file, '-n', '-tt', ...flags], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	};

	test('same frames, same times, the overlay ping seen inside VXLAN', () => {
		const output = read(frames);
		expect(output.match(/^\d+\.\d{6} /gm)).toEqual(['1746515289.123000 ', '1746515289.124500 ', '1746515290.123000 ']);
		expect(output).toContain('ARP, Request who-has 10.0.3.63 tell 10.0.3.62');
		expect(output).toContain('IP 10.0.3.62.37641 > 10.0.3.63.4789: VXLAN, flags [I] (0x08), vni 4097');
		expect(output).toContain('IP 10.0.1.2 > 10.0.1.3: ICMP echo request, id 33, seq 1');
	});

	test('the fixtures\' checksums are right by tcpdump\'s account too', () => {
		const records = Object.values(syntheticFrames).map((fixture, i) => ({ time: t0 + i, frame: fixture.bytes }));
		const output = read(records, '-vv');
		expect(output).toContain('cksum 0x00ab (correct)'); // the TCP SYN
		expect(output.match(/udp sum ok/g)).toHaveLength(3); // gossip, DNS query, DNS answer
		// tcpdump flags wrong IPv4, ICMP, UDP or TCP checksums with one of these words.
		expect(output).not.toMatch(/bad|wrong|incorrect/);
	});
});
