// Three real nodes on the TypeScript switch: a real swarm, real VXLAN on the wire, faults that really break it.
import { describe, expect, test } from 'vitest';
import { formSwarm, ipOf, sh, vniOf, useCluster } from './cluster-fixture.ts';

const machines = useCluster();

describe('a swarm on the virtual switch', () => {
	test('init on the manager, join on both workers: three nodes Ready', async () => {
		const { cluster, manager, worker1, worker2 } = machines;
		await formSwarm(manager, [worker1, worker2]);
		await sh(manager, "for i in $(seq 240); do [ $(docker node ls --format '{{.Status}}' | grep -c Ready) -eq 3 ] && exit 0; sleep 0.5; done; exit 1");
		const nodes = await sh(manager, "docker node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}' | sort");
		expect(nodes.split('\n').map((line) => line.trim())).toEqual(['manager Ready Leader', 'worker1 Ready', 'worker2 Ready']);
		expect(cluster.capture.count({ proto: 'tcp', tcpPort: 2377, from: 'worker1', to: 'manager' })).toBeGreaterThan(0);
	});

	test('containers on two nodes ping each other by name over VXLAN with the network VNI', async () => {
		const { cluster, manager, worker1, worker2 } = machines;
		await sh(manager, 'docker network create -d overlay --attachable test-net');
		const vni = await vniOf(manager, 'test-net');
		await sh(manager, 'docker run -d --name c1 --network test-net busybox sleep 3600');
		await sh(worker1, 'docker run -d --name c2 --network test-net busybox sleep 3600');
		const since = cluster.now();
		const ping = await sh(worker1, 'docker exec c2 ping -c 3 c1');
		expect(ping).toMatch(/3 packets transmitted, 3 packets received/);
		const [ip1, ip2] = await Promise.all([ipOf(manager, 'c1', 'test-net'), ipOf(worker1, 'c2', 'test-net')]);
		const vxlan = { since, proto: 'vxlan' as const, vni, between: ['manager', 'worker1'] as [string, string] };
		expect(cluster.capture.count({ ...vxlan, inner: { proto: 'icmp', srcIp: ip2, dstIp: ip1 } })).toBeGreaterThanOrEqual(3);
		expect(cluster.capture.count({ ...vxlan, inner: { proto: 'icmp', srcIp: ip1, dstIp: ip2 } })).toBeGreaterThanOrEqual(3);
		expect(cluster.capture.count({ since, proto: 'udp', udpPort: 4789, between: ['manager', 'worker1'] })).toBeGreaterThanOrEqual(6);
	});

	test('with UDP 4789 dropped between two nodes the ping fails, and recovers once the rule is gone', async () => {
		const { cluster, manager, worker1, worker2 } = machines;
		const rule = cluster.switch.faults.add({ kind: 'drop', proto: 'udp', port: 4789, between: ['manager', 'worker1'] });
		const broken = await worker1.exec('docker exec c2 ping -c 2 -W 2 c1', { timeoutMs: 60_000 });
		expect(broken.exit).not.toBe(0);
		cluster.switch.faults.remove(rule);
		expect(await sh(worker1, 'docker exec c2 ping -c 2 -W 2 c1')).toMatch(/2 packets received/);
	});

});
