import { describe, expect, test } from 'vitest';
import type { CaptureRecord } from '../../../emulator/network/capture.ts';
import { countFrames, describeFilter, frameMatches, matchFrames, type FrameFilter } from '../../../emulator/network/query.ts';
import { syntheticFrames, type SyntheticFrameName } from './fixtures/synthetic-frames.ts';

// A small capture: what the switch records while the overlay works, then while a fault blocks it.
const plan: [SyntheticFrameName, string, string[], Partial<CaptureRecord>?][] = [
	['arpRequest', 'manager', ['worker1', 'worker2']], // 0
	['arpReply', 'worker1', ['manager']], // 1
	['udpGossip', 'manager', ['worker1']], // 2
	['tcpSynControlPlane', 'worker1', ['manager']], // 3
	['vxlanIcmp', 'manager', ['worker1']], // 4
	['espOverlay', 'manager', ['worker1']], // 5
	['icmpEchoRequest', 'manager', ['worker1']], // 6
	['vxlanFragmentFirst', 'manager', ['worker1']], // 7
	['vxlanIcmp', 'manager', [], { dropped: 'fault:drop udp/4789', drops: [{ port: 'worker1', reason: 'fault:drop udp/4789' }] }], // 8
	['dnsQuery', 'worker2', ['manager']], // 9
];
const records: CaptureRecord[] = plan.map(([name, ingress, egress, extra], seq) => ({
	seq,
	time: 1000 + seq * 100,
	ingress,
	egress,
	frame: syntheticFrames[name].bytes,
	...extra,
}));
const seqs = (filter: FrameFilter) => matchFrames(records, filter).map((record) => record.seq);

describe('matchFrames', () => {
	test.each<[string, FrameFilter, number[]]>([
		['everything that was delivered', {}, [0, 1, 2, 3, 4, 5, 6, 7, 9]],
		['dropped ones too when asked', { includeDropped: true }, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
		['since a time (inclusive)', { since: 1700 }, [7, 9]],
		['ARP', { proto: 'arp' }, [0, 1]],
		['ICMP on the underlay only', { proto: 'icmp' }, [6]],
		['UDP includes VXLAN and DNS', { proto: 'udp' }, [2, 4, 7, 9]],
		['TCP', { proto: 'tcp' }, [3]],
		['VXLAN', { proto: 'vxlan' }, [4, 7]],
		['ESP', { proto: 'esp' }, [5]],
		['DNS', { proto: 'dns' }, [9]],
		['VNI 4097', { vni: 4097 }, [4, 7]],
		['VNI 4098', { vni: 4098 }, []],
		['UDP port 7946', { udpPort: 7946 }, [2]],
		['UDP port 4789 with dropped', { udpPort: 4789, includeDropped: true }, [4, 7, 8]],
		['TCP port 2377 (destination)', { tcpPort: 2377 }, [3]],
		['TCP port 41234 (source)', { tcpPort: 41234 }, [3]],
		['from a node', { from: 'worker1' }, [1, 3]],
		['to a node', { to: 'worker2' }, [0]],
		['between, either way', { between: ['worker1', 'manager'] }, [0, 1, 2, 3, 4, 5, 6, 7]],
		['between, dropped: meant for the far end', { between: ['manager', 'worker1'], proto: 'vxlan', includeDropped: true }, [4, 7, 8]],
		['between two nodes that did not talk', { between: ['worker1', 'worker2'] }, []],
		['only what the switch dropped', { dropped: true }, [8]],
		['dropped VXLAN meant for worker1', { dropped: true, proto: 'vxlan', to: 'worker1' }, [8]],
		['dropped: a copy meant for another port', { dropped: true, to: 'worker2' }, []],
		['dropped between the two nodes of the fault', { dropped: true, between: ['worker1', 'manager'] }, [8]],
		['dropped ARP: there was none', { dropped: true, proto: 'arp' }, []],
		['outer source IP', { srcIp: '10.0.3.63' }, [1, 3]],
		['outer destination IP (ARP: the address asked for)', { dstIp: '10.0.3.63', proto: 'arp' }, [0]],
		['inner ICMP', { inner: { proto: 'icmp' } }, [4, 7]],
		['inner ICMP between the two containers', { vni: 4097, inner: { proto: 'icmp', srcIp: '10.0.1.2', dstIp: '10.0.1.3' } }, [4, 7]],
		['inner ICMP the other way round', { inner: { srcIp: '10.0.1.3' } }, []],
		['inner TCP', { inner: { proto: 'tcp' } }, []],
		['inner filter on a frame with no VXLAN', { proto: 'icmp', inner: {} }, []],
	])('%s', (_, filter, expected) => {
		expect(seqs(filter)).toEqual(expected);
		expect(countFrames(records, filter)).toBe(expected.length);
	});

	test('frameMatches answers for one record, as a live view needs', () => {
		expect(frameMatches(records[4], { vni: 4097 })).toBe(true);
		expect(frameMatches(records[8], { vni: 4097 })).toBe(false);
	});

	test('no filter at all counts every delivered frame', () => {
		expect(countFrames(records)).toBe(9);
	});
});

describe('describeFilter', () => {
	test.each<[FrameFilter, string]>([
		[{}, 'frames'],
		[{ proto: 'tcp', tcpPort: 2377, between: ['worker1', 'manager'] }, 'TCP frames (TCP port 2377, between worker1 and manager)'],
		[{ vni: 4097, inner: { proto: 'icmp', srcIp: '10.0.1.2', dstIp: '10.0.1.3' } }, 'VXLAN frames (VNI 4097, carrying ICMP 10.0.1.2 → 10.0.1.3)'],
		[{ proto: 'udp', udpPort: 4789, from: 'manager', to: 'worker1', includeDropped: true }, 'UDP frames (UDP port 4789, sent by manager, delivered to worker1, dropped ones included)'],
		[{ proto: 'vxlan', dropped: true, between: ['manager', 'worker1'] }, 'dropped VXLAN frames (between manager and worker1)'],
		[{ srcIp: '10.0.3.62', since: Date.UTC(2025, 0, 2, 3, 4, 5) }, 'frames (10.0.3.62 → any, since 2025-01-02T03:04:05.000Z)'],
	])('%j reads "%s"', (filter, text) => {
		expect(describeFilter(filter)).toBe(text);
	});
});
