import { afterEach, describe, expect, test, vi } from 'vitest';
import { FaultSet, type FaultRule } from '../../../emulator/network/faults.ts';
import { bench, nodeMacs, withMacs } from './bench.ts';
import { syntheticFrames, type SyntheticFrameName } from './fixtures/synthetic-frames.ts';

/** manager sends a fixture to worker1's MAC; worker1 is learned, so only it should get the frame. */
function managerToWorker1(rules: FaultRule[], frame: SyntheticFrameName) {
	const test = bench();
	test.send('worker1', 'broadcast');
	test.received();
	for (const rule of rules) test.sw.faults.add(rule);
	test.ports.manager.send(withMacs(syntheticFrames[frame].bytes, nodeMacs.worker1, nodeMacs.manager));
	return { ...test, record: test.capture.records().at(-1)! };
}

describe('dropping rules', () => {
	test.each<[string, FaultRule, SyntheticFrameName, string | undefined]>([
		['udp/4789 drops the overlay', { kind: 'drop', proto: 'udp', port: 4789 }, 'vxlanIcmp', 'fault:drop udp/4789'],
		['udp/4789 leaves gossip alone', { kind: 'drop', proto: 'udp', port: 4789 }, 'udpGossip', undefined],
		['udp/7946 drops gossip', { kind: 'drop', proto: 'udp', port: 7946 }, 'udpGossip', 'fault:drop udp/7946'],
		['tcp/2377 matches the destination port', { kind: 'drop', proto: 'tcp', port: 2377 }, 'tcpSynControlPlane', 'fault:drop tcp/2377'],
		['tcp/41234 matches the source port', { kind: 'drop', proto: 'tcp', port: 41234 }, 'tcpSynControlPlane', 'fault:drop tcp/41234'],
		['udp/2377 is not tcp/2377', { kind: 'drop', proto: 'udp', port: 2377 }, 'tcpSynControlPlane', undefined],
		['esp drops the encrypted overlay', { kind: 'drop', proto: 'esp' }, 'espOverlay', 'fault:drop esp'],
		['esp leaves clear VXLAN alone', { kind: 'drop', proto: 'esp' }, 'vxlanIcmp', undefined],
		['icmp drops pings', { kind: 'drop', proto: 'icmp' }, 'icmpEchoRequest', 'fault:drop icmp'],
		['icmp looks at the outer header only', { kind: 'drop', proto: 'icmp' }, 'vxlanIcmp', undefined],
		['arp drops ARP', { kind: 'drop', proto: 'arp' }, 'arpReply', 'fault:drop arp'],
		['udp without a port drops all UDP', { kind: 'drop', proto: 'udp' }, 'dnsQuery', 'fault:drop udp'],
		['a later fragment has no port to match', { kind: 'drop', proto: 'udp', port: 4789 }, 'vxlanFragmentSecond', undefined],
		['mtu 1400 drops a 1500-byte packet', { kind: 'mtu', mtu: 1400 }, 'vxlanFragmentFirst', 'fault:mtu 1400'],
		['mtu 1500 lets it through', { kind: 'mtu', mtu: 1500 }, 'vxlanFragmentFirst', undefined],
		['mtu 1400 lets a ping through', { kind: 'mtu', mtu: 1400 }, 'vxlanIcmp', undefined],
	])('%s', (_, rule, frame, reason) => {
		const { record, received, ports } = managerToWorker1([rule], frame);
		expect(record.dropped).toBe(reason);
		expect(received()).toEqual(reason ? [] : ['worker1']);
		expect(ports.worker1.counters.dropped).toBe(reason ? 1 : 0);
	});

	test('mtu drops rather than fragments: nothing smaller comes out', () => {
		const { inbox, record } = managerToWorker1([{ kind: 'mtu', mtu: 1400 }], 'vxlanFragmentFirst');
		expect(inbox.worker1).toEqual([]);
		expect(record).toMatchObject({ egress: [], drops: [{ port: 'worker1', reason: 'fault:mtu 1400' }] });
	});

	test('between: only the copy on that link is dropped, the third node still gets its copy of a flood', () => {
		const { sw, ports, received, capture } = bench();
		sw.faults.add({ kind: 'drop', proto: 'udp', port: 7946, between: ['worker1', 'manager'] });
		ports.manager.send(syntheticFrames.udpGossip.bytes);
		expect(received()).toEqual(['worker2']);
		expect(capture.records()[0]).toMatchObject({ egress: ['worker2'], drops: [{ port: 'worker1', reason: 'fault:drop udp/7946' }] });
		expect(capture.records()[0].dropped).toBeUndefined();
	});

	test('between works both ways and not on other links', () => {
		const { sw, ports, send, received, capture } = bench();
		send('manager', 'broadcast');
		received();
		sw.faults.add({ kind: 'drop', proto: 'udp', port: 7946, between: ['manager', 'worker1'] });
		ports.worker1.send(withMacs(syntheticFrames.udpGossip.bytes, nodeMacs.manager, nodeMacs.worker1));
		expect(received()).toEqual([]);
		expect(capture.records().at(-1)?.dropped).toBe('fault:drop udp/7946');
		ports.worker2.send(withMacs(syntheticFrames.udpGossip.bytes, nodeMacs.manager, nodeMacs.worker2));
		expect(received()).toEqual(['manager']);
	});
});

describe('loss', () => {
	test('each copy is dropped when the dice fall under the ratio', () => {
		const rolls = [0.1, 0.9, 0.49, 0.5];
		const { sw, send, received, capture } = bench();
		send('worker1', 'broadcast');
		received();
		sw.faults.add({ kind: 'loss', ratio: 0.5, random: () => rolls.shift()! });
		const delivered = [1, 2, 3, 4].map((tag) => (send('manager', 'worker1', tag), received().length));
		expect(delivered).toEqual([0, 1, 0, 1]);
		expect(capture.records().slice(-4).map((record) => record.dropped)).toEqual(['fault:loss 0.5', undefined, 'fault:loss 0.5', undefined]);
	});

	test.each([
		[0, 0],
		[1, 5],
	])('ratio %s loses %s of 5 frames, whatever the dice', (ratio, lost) => {
		const { sw, send, received } = bench({ nodes: ['manager', 'worker1'] });
		sw.faults.add({ kind: 'loss', ratio, random: () => 0.999999 });
		let got = 0;
		for (let i = 0; i < 5; i++) {
			send('manager', 'worker1');
			got += received().length;
		}
		expect(5 - got).toBe(lost);
	});
});

describe('latency', () => {
	afterEach(() => void vi.useRealTimers());

	test('frames arrive after the delay, in order; the record says how long', () => {
		vi.useFakeTimers();
		const { sw, send, inbox, capture, ports } = bench();
		send('worker1', 'broadcast');
		sw.faults.add({ kind: 'latency', ms: 40, between: ['manager', 'worker1'] });
		send('manager', 'worker1', 1);
		send('manager', 'worker1', 2);
		expect(inbox.worker1).toHaveLength(0);
		expect(ports.worker1.counters.txFrames).toBe(0);
		vi.advanceTimersByTime(39);
		expect(inbox.worker1).toHaveLength(0);
		vi.advanceTimersByTime(1);
		expect(inbox.worker1.map((frame) => frame[14])).toEqual([1, 2]);
		expect(ports.worker1.counters.txFrames).toBe(2);
		expect(capture.records().at(-1)).toMatchObject({ egress: ['worker1'], delayMs: 40 });
	});

	test('latency on one link leaves the others immediate, and latencies add up', () => {
		vi.useFakeTimers();
		const { sw, send, inbox } = bench();
		sw.faults.add({ kind: 'latency', ms: 30, between: ['manager', 'worker1'] });
		sw.faults.add({ kind: 'latency', ms: 20 });
		send('manager', 'broadcast');
		vi.advanceTimersByTime(20);
		expect([inbox.worker1.length, inbox.worker2.length]).toEqual([0, 1]);
		vi.advanceTimersByTime(30);
		expect(inbox.worker1).toHaveLength(1);
	});

	test('a cable pulled while a frame is in flight: the frame is lost and the record corrected', () => {
		vi.useFakeTimers();
		const { sw, send, inbox, capture, ports } = bench();
		send('worker1', 'broadcast');
		sw.faults.add({ kind: 'latency', ms: 10 });
		send('manager', 'worker1');
		ports.worker1.setLink('down');
		vi.advanceTimersByTime(10);
		expect(inbox.worker1).toHaveLength(0);
		expect(capture.records().at(-1)).toMatchObject({ egress: [], dropped: 'link-down', drops: [{ port: 'worker1', reason: 'link-down' }] });
	});

	test('dispose cancels deliveries still waiting', () => {
		vi.useFakeTimers();
		const { sw, send, inbox } = bench();
		sw.faults.add({ kind: 'latency', ms: 10 });
		send('manager', 'broadcast');
		sw.dispose();
		vi.advanceTimersByTime(100);
		expect(inbox.worker1).toHaveLength(0);
		expect(vi.getTimerCount()).toBe(0);
	});
});

describe('managing rules', () => {
	test('add returns an id; list, remove and clear do what they say', () => {
		const faults = new FaultSet();
		const drop = faults.add({ kind: 'drop', proto: 'udp', port: 4789 });
		const slow = faults.add({ kind: 'latency', ms: 5 });
		expect(faults.list()).toEqual([
			{ id: drop, rule: { kind: 'drop', proto: 'udp', port: 4789 } },
			{ id: slow, rule: { kind: 'latency', ms: 5 } },
		]);
		expect(faults.remove(drop)).toBe(true);
		expect(faults.remove(drop)).toBe(false);
		expect(faults.list().map((fault) => fault.id)).toEqual([slow]);
		faults.clear();
		expect(faults.empty).toBe(true);
	});

	test('removing the rule lets traffic through again', () => {
		const { sw, record, ports, received } = managerToWorker1([{ kind: 'drop', proto: 'udp', port: 4789 }], 'vxlanIcmp');
		expect(record.dropped).toBe('fault:drop udp/4789');
		sw.faults.remove(sw.faults.list()[0].id);
		ports.manager.send(withMacs(syntheticFrames.vxlanIcmp.bytes, nodeMacs.worker1, nodeMacs.manager));
		expect(received()).toEqual(['worker1']);
	});

	test('a rule is copied when added: editing the object later changes nothing', () => {
		const faults = new FaultSet();
		const rule = { kind: 'mtu' as const, mtu: 1400 };
		faults.add(rule);
		rule.mtu = 9000;
		expect(faults.list()[0].rule).toEqual({ kind: 'mtu', mtu: 1400 });
	});

	test.each<[string, FaultRule, string]>([
		['a port out of range', { kind: 'drop', proto: 'udp', port: 70000 }, 'port must be 0..65535'],
		['a port on esp', { kind: 'drop', proto: 'esp', port: 4500 }, 'only udp and tcp have ports'],
		['an unknown protocol', { kind: 'drop', proto: 'sctp' as 'udp', port: 1 }, 'unknown protocol "sctp"'],
		['a tiny mtu', { kind: 'mtu', mtu: 40 }, 'mtu must be an integer of at least 68'],
		['a negative latency', { kind: 'latency', ms: -5 }, 'ms must be a finite number of at least 0'],
		['a ratio above 1', { kind: 'loss', ratio: 1.5 }, 'ratio must be between 0 and 1'],
		['a link to itself', { kind: 'latency', ms: 5, between: ['manager', 'manager'] }, 'between needs two different ports'],
		['an unknown kind', { kind: 'jitter' } as unknown as FaultRule, 'unknown kind "jitter"'],
	])('%s is refused with a message', (_, rule, message) => {
		expect(() => new FaultSet().add(rule)).toThrow(message);
	});
});

describe('FaultSet changes', () => {
	test('each add, remove and clear that changes something is told, with the rules then in force', () => {
		const faults = new FaultSet();
		const seen: string[][] = [];
		const stop = faults.onChange((active) => seen.push(active.map(({ rule }) => rule.kind)));
		const drop = faults.add({ kind: 'drop', proto: 'udp', port: 4789 });
		faults.add({ kind: 'latency', ms: 50 });
		faults.remove(drop);
		faults.remove(drop);
		faults.clear();
		faults.clear();
		stop();
		faults.add({ kind: 'mtu', mtu: 1400 });
		expect(seen).toEqual([['drop'], ['drop', 'latency'], ['latency'], []]);
	});
});
