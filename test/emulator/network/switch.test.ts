import { describe, expect, test, vi } from 'vitest';
import { Switch } from '../../../emulator/network/switch.ts';
import { bench, ethernetFrame, nodeMacs } from './bench.ts';

describe('learning and flooding', () => {
	test.each([
		['broadcast', 'ff:ff:ff:ff:ff:ff'],
		['IPv4 multicast', '01:00:5e:00:00:fb'],
		['unknown unicast', '02:42:0a:00:01:09'],
	])('%s floods to every other port, never back to the sender', (_, dst) => {
		const { ports, received, capture } = bench();
		ports.manager.send(ethernetFrame(dst, nodeMacs.manager));
		expect(received()).toEqual(['worker1', 'worker2']);
		expect(capture.records()[0]).toMatchObject({ ingress: 'manager', egress: ['worker1', 'worker2'] });
	});

	test('once a MAC is learned, frames to it go to its port only', () => {
		const { send, received, sw } = bench();
		send('manager', 'worker1'); // unknown yet: flooded
		expect(received()).toEqual(['worker1', 'worker2']);
		send('worker1', 'manager'); // manager learned from the first frame
		expect(received()).toEqual(['manager']);
		send('manager', 'worker1');
		expect(received()).toEqual(['worker1']);
		expect(sw.macTable().map(({ mac, port }) => [mac, port])).toEqual([
			[nodeMacs.manager, 'manager'],
			[nodeMacs.worker1, 'worker1'],
		]);
	});

	test('a MAC that moves to another port is followed', () => {
		const { ports, send, received } = bench();
		send('worker2', 'broadcast');
		ports.worker1.send(ethernetFrame(nodeMacs.manager, nodeMacs.worker2)); // worker2's MAC now behind worker1
		received();
		send('manager', 'worker2');
		expect(received()).toEqual(['worker1']);
	});

	test('a frame for a MAC behind its own ingress port stays there', () => {
		const { ports, received, capture } = bench();
		ports.manager.send(ethernetFrame(nodeMacs.worker1, '02:42:0a:00:01:02'));
		received();
		ports.manager.send(ethernetFrame('02:42:0a:00:01:02', nodeMacs.manager));
		expect(received()).toEqual([]);
		expect(capture.records()[1]).toMatchObject({ egress: [], dropped: 'same-port' });
	});

	test('learned MACs age out and unicast floods again', () => {
		const { send, received, sw, clock } = bench({ macAgeingMs: 60_000 });
		send('worker1', 'broadcast');
		clock.advance(45_000);
		expect(sw.macTable()).toEqual([{ mac: nodeMacs.worker1, port: 'worker1', ageMs: 45_000 }]);
		received();
		send('manager', 'worker1');
		expect(received()).toEqual(['worker1']);
		clock.advance(60_001);
		expect(sw.macTable()).toEqual([]);
		send('manager', 'worker1');
		expect(received()).toEqual(['worker1', 'worker2']);
	});

	test('the default ageing time is 300 s', () => {
		const { send, sw, clock } = bench();
		send('worker1', 'broadcast');
		clock.advance(300_000);
		expect(sw.macTable()).toHaveLength(1);
		clock.advance(1);
		expect(sw.macTable()).toHaveLength(0);
	});

	test('a frame shorter than an Ethernet header is dropped as a runt', () => {
		const { ports, received, capture } = bench();
		ports.manager.send(new Uint8Array(10));
		expect(received()).toEqual([]);
		expect(capture.records()[0]).toMatchObject({ dropped: 'runt', egress: [] });
		expect(ports.manager.counters.dropped).toBe(1);
	});

	test('alone on the switch, a broadcast goes nowhere', () => {
		const { send, capture } = bench({ nodes: ['manager'] });
		send('manager', 'broadcast');
		expect(capture.records()[0]).toMatchObject({ egress: [], dropped: 'no-egress' });
	});
});

describe('ports', () => {
	test('a fault between ports must name ports of this switch', () => {
		const { sw } = bench();
		expect(() => sw.faults.add({ kind: 'drop', proto: 'udp', port: 4789, between: ['manager', 'worker9'] })).toThrow(
			'no port "worker9" on the switch (ports: manager, worker1, worker2)',
		);
		expect(sw.faults.empty).toBe(true);
		sw.faults.add({ kind: 'drop', proto: 'udp', port: 4789, between: ['manager', 'worker2'] });
		expect(sw.faults.list()).toHaveLength(1);
	});

	test('counters: rx is what the node sent in, tx what it was handed', () => {
		const { send, ports } = bench();
		send('manager', 'broadcast');
		send('worker1', 'manager');
		expect(ports.manager.counters).toEqual({ rxFrames: 1, rxBytes: 60, txFrames: 1, txBytes: 60, dropped: 0 });
		expect(ports.worker1.counters).toEqual({ rxFrames: 1, rxBytes: 60, txFrames: 1, txBytes: 60, dropped: 0 });
		expect(ports.worker2.counters).toEqual({ rxFrames: 0, rxBytes: 0, txFrames: 1, txBytes: 60, dropped: 0 });
	});

	test('the switch keeps its own copy: a sender reusing its buffer changes nothing already sent', () => {
		const { ports, inbox, capture } = bench();
		const buffer = ethernetFrame(nodeMacs.worker1, nodeMacs.manager, 1);
		ports.manager.send(buffer);
		buffer.fill(0xff);
		expect(inbox.worker1[0][14]).toBe(1);
		expect(capture.records()[0].frame[14]).toBe(1);
	});

	test('link down: frames from and to the port are dropped and counted; link up: the same port works again', () => {
		const { sw, send, ports, received, capture } = bench();
		send('worker1', 'broadcast');
		send('worker2', 'broadcast');
		received();
		ports.worker1.setLink('down');
		expect(ports.worker1.link).toBe('down');

		send('worker1', 'manager');
		send('manager', 'worker1');
		send('manager', 'broadcast');
		expect(received()).toEqual(['worker2']);
		expect(capture.records().slice(-3)).toMatchObject([
			{ ingress: 'worker1', egress: [], dropped: 'link-down' },
			{ ingress: 'manager', egress: [], dropped: 'link-down', drops: [{ port: 'worker1', reason: 'link-down' }] },
			{ ingress: 'manager', egress: ['worker2'], drops: [{ port: 'worker1', reason: 'link-down' }] },
		]);
		expect(ports.worker1.counters.dropped).toBe(3);

		sw.setLink('worker1', 'up');
		send('manager', 'worker1');
		expect(received()).toEqual(['worker1']);
	});

	test('unplug frees the name, forgets its MACs, and later frames from it are ignored', () => {
		const { sw, send, ports, received, capture } = bench();
		send('worker1', 'broadcast');
		received();
		ports.worker1.unplug();
		ports.worker1.unplug();
		expect(sw.ports().map((port) => port.name)).toEqual(['manager', 'worker2']);
		expect(sw.port('worker1')).toBeUndefined();
		expect(ports.worker1.plugged).toBe(false);
		expect(sw.macTable().map((entry) => entry.port)).toEqual([]);

		const before = capture.total;
		send('worker1', 'manager');
		expect(capture.total).toBe(before);
		expect(ports.worker1.counters.dropped).toBe(1);

		const inbox: Uint8Array[] = [];
		const again = sw.plug('worker1', (frame) => inbox.push(frame));
		send('manager', 'worker1');
		expect(inbox).toHaveLength(1);
		// The old handle cannot touch the new port that took its name.
		expect(() => ports.worker1.setLink('down')).toThrow('port "worker1" is unplugged; plug it again to change its link');
		ports.worker1.unplug();
		expect(again.plugged).toBe(true);
	});

	test.each([
		['plugging a name twice', (sw: Switch) => sw.plug('manager', () => {}), 'port "manager" is already plugged'],
		['a link change on an unknown port', (sw: Switch) => sw.setLink('worker9', 'down'), 'no port "worker9" on the switch (ports: manager, worker1, worker2)'],
	])('%s fails loudly', (_, misuse, message) => {
		expect(() => misuse(bench().sw)).toThrow(message);
	});

	test('a port whose deliver throws does not keep the frame from the others', () => {
		const sw = new Switch();
		const got: string[] = [];
		sw.plug('a', () => {});
		sw.plug('b', () => {
			throw new Error('b is broken');
		});
		sw.plug('c', () => got.push('c'));
		expect(() => sw.port('a')!.send(ethernetFrame('ff:ff:ff:ff:ff:ff', nodeMacs.manager))).toThrow('b is broken');
		expect(got).toEqual(['c']);
	});
});

describe('events and disposal', () => {
	test('frame events carry each record until unsubscribed', () => {
		const { sw, send } = bench();
		const seen: string[] = [];
		const stop = sw.on('frame', (record) => seen.push(`${record.seq}: ${record.ingress} → ${record.egress.join(', ')}`));
		send('manager', 'worker1');
		send('worker1', 'manager');
		stop();
		send('manager', 'worker1');
		expect(seen).toEqual(['0: manager → worker1, worker2', '1: worker1 → manager']);
	});

	test('a reply sent from inside deliver is recorded after the frame it answers', () => {
		const sw = new Switch();
		const order: string[] = [];
		sw.on('frame', (record) => order.push(record.ingress));
		const a = sw.plug('a', () => {});
		const b = sw.plug('b', () => b.send(ethernetFrame(nodeMacs.manager, nodeMacs.worker1)));
		a.send(ethernetFrame(nodeMacs.worker1, nodeMacs.manager));
		expect(order).toEqual(['a', 'b']);
	});

	test('link events tell a view when cables move', () => {
		const sw = new Switch();
		const events: string[] = [];
		sw.on('link', ({ port, state }) => events.push(`${port} ${state}`));
		const port = sw.plug('manager', () => {});
		port.setLink('down');
		port.setLink('down');
		port.setLink('up');
		port.unplug();
		expect(events).toEqual(['manager plugged', 'manager down', 'manager up', 'manager unplugged']);
	});

	test('dispose unplugs everything, is idempotent, and refuses new ports', () => {
		const { sw, ports } = bench();
		const listener = vi.fn();
		sw.on('frame', listener);
		sw.dispose();
		sw.dispose();
		expect(sw.ports()).toEqual([]);
		ports.manager.send(ethernetFrame('ff:ff:ff:ff:ff:ff', nodeMacs.manager));
		expect(listener).not.toHaveBeenCalled();
		expect(() => sw.plug('late', () => {})).toThrow('cannot plug "late": the switch is disposed');
	});
});
