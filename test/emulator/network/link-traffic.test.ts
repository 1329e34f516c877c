import { describe, expect, test } from 'vitest';
import { frameFacts } from '../../../emulator/network/faults.ts';
import { LinkTraffic, linkRates, trafficKind, type TrafficKind } from '../../../emulator/network/link-traffic.ts';
import { bench, nodeMacs, withMacs } from './bench.ts';
import { syntheticFrames, type SyntheticFrameName } from './fixtures/synthetic-frames.ts';

describe('trafficKind', () => {
	test.each<[SyntheticFrameName, TrafficKind]>([
		['vxlanIcmp', 'vxlan'],
		['vxlanFragmentFirst', 'vxlan'],
		['espOverlay', 'esp'],
		['udpGossip', 'gossip'],
		['tcpSynControlPlane', 'control'],
		['arpReply', 'other'],
		['icmpEchoRequest', 'other'],
		['dnsQuery', 'other'],
		// A later fragment carries no ports: it cannot be told from any other IPv4 traffic by its outer header.
		['vxlanFragmentSecond', 'other'],
	])('%s is %s', (name, kind) => {
		expect(trafficKind(frameFacts(syntheticFrames[name].bytes))).toBe(kind);
	});
});

describe('LinkTraffic', () => {
	test('counts what each node sent and what it was handed, per kind', () => {
		const { sw, ports } = bench();
		const traffic = new LinkTraffic();
		sw.on('frame', (record) => traffic.count(record));
		ports.worker1.send(withMacs(syntheticFrames.arpReply.bytes, nodeMacs.manager, nodeMacs.worker1));
		const before = traffic.snapshot();
		for (let i = 0; i < 4; i++) ports.manager.send(withMacs(syntheticFrames.vxlanIcmp.bytes, nodeMacs.worker1, nodeMacs.manager));
		ports.worker1.send(withMacs(syntheticFrames.udpGossip.bytes, nodeMacs.manager, nodeMacs.worker1));
		const after = traffic.snapshot();
		expect(after.get('manager')?.sent.vxlan).toBe(4);
		expect(after.get('worker1')?.received.vxlan).toBe(4);
		expect(after.get('worker1')?.sent).toMatchObject({ gossip: 1, other: 1 });
		// worker1 is learned, so the switch hands manager's frames to it alone.
		expect(after.get('worker2')?.received.vxlan ?? 0).toBe(0);
		const rates = linkRates(before, after, 2000);
		expect(rates.get('manager')).toEqual({ vxlan: 2, esp: 0, gossip: 0.5, control: 0, other: 0 });
		expect(rates.get('worker1')).toEqual({ vxlan: 2, esp: 0, gossip: 0.5, control: 0, other: 0 });
	});

	test('a snapshot does not move with later frames', () => {
		const { sw, ports } = bench();
		const traffic = new LinkTraffic();
		sw.on('frame', (record) => traffic.count(record));
		ports.manager.send(withMacs(syntheticFrames.espOverlay.bytes, nodeMacs.worker1, nodeMacs.manager));
		const first = traffic.snapshot();
		ports.manager.send(withMacs(syntheticFrames.espOverlay.bytes, nodeMacs.worker1, nodeMacs.manager));
		expect(first.get('manager')?.sent.esp).toBe(1);
		expect(traffic.snapshot().get('manager')?.sent.esp).toBe(2);
	});
});
