import { describe, expect, test } from 'vitest';
import type { CaptureRecord } from '../../../emulator/network/capture.ts';
import { parseFrameQuery, type FrameQueryOptions } from '../../../emulator/network/frame-query.ts';
import { syntheticFrames, type SyntheticFrameName } from './fixtures/synthetic-frames.ts';

// What the inspector lists while the overlay works: its noise (ARP, gossip), the overlay, and a frame a fault dropped.
const plan: [SyntheticFrameName, string, string[], Partial<CaptureRecord>?][] = [
	['arpRequest', 'manager', ['worker1', 'worker2']], // 0
	['udpGossip', 'manager', ['worker1']], // 1
	['tcpSynControlPlane', 'worker1', ['manager']], // 2
	['vxlanIcmp', 'manager', ['worker1']], // 3: 10.0.1.2 → 10.0.1.3 inside vni 4097
	['espOverlay', 'manager', ['worker1']], // 4
	['icmpEchoRequest', 'manager', ['worker1']], // 5
	['vxlanIcmp', 'manager', [], { dropped: 'fault:drop udp/4789', drops: [{ port: 'worker1', reason: 'fault:drop udp/4789' }] }], // 6
	['dnsQuery', 'worker2', ['manager']], // 7
];
const records: CaptureRecord[] = plan.map(([name, ingress, egress, extra], seq) => ({ seq, time: 1000 + seq, ingress, egress, frame: syntheticFrames[name].bytes, ...extra }));
const nodes = ['manager', 'worker1', 'worker2'];

function listed(text: string, options: Partial<FrameQueryOptions> = {}) {
	const query = parseFrameQuery(text, { nodes, ...options });
	if ('unknownTerm' in query) throw new Error(`unknown term ${query.unknownTerm}`);
	return records.filter(query.match).map((record) => record.seq);
}

describe('parseFrameQuery', () => {
	test.each<[string, number[]]>([
		['', [0, 1, 2, 3, 4, 5, 6, 7]],
		['vxlan', [3, 6]],
		// A protocol matches what VXLAN carries too.
		['icmp', [3, 5, 6]],
		['esp', [4]],
		['dns', [7]],
		['vni:4097', [3, 6]],
		['port:2377', [2]],
		['port:7946', [1]],
		['10.0.1.3', [3, 6]],
		['worker2', [0, 7]],
		['manager worker2', [0, 7]],
		['worker1 manager vxlan', [3, 6]],
		['dropped', [6]],
		['dropped worker1 icmp', [6]],
		['dropped worker2', []],
		['  ICMP   Worker1 ', [3, 5, 6]],
	])('"%s"', (text, expected) => {
		expect(listed(text)).toEqual(expected);
	});

	test('the noise toggles leave out gossip and ARP, whatever the text', () => {
		expect(listed('', { hideGossip: true, hideArp: true })).toEqual([2, 3, 4, 5, 6, 7]);
		expect(listed('manager', { hideArp: true })).toEqual([1, 2, 3, 4, 5, 6, 7]);
	});

	test('a word it does not know is named back, never ignored', () => {
		expect(parseFrameQuery('vxlan http', { nodes })).toEqual({ unknownTerm: 'http' });
		expect(parseFrameQuery('vni:abc', { nodes })).toEqual({ unknownTerm: 'vni:abc' });
		expect(parseFrameQuery('manager worker1 worker2', { nodes })).toEqual({ unknownTerm: 'worker2' });
	});
});
