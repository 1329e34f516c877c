// Three real nodes on the TypeScript switch, one cluster for the whole file: a real swarm, real VXLAN on the wire,
// faults that really break it, the routing mesh, and an IPsec-encrypted overlay.
import { describe, expect, test } from 'vitest';
import { useCluster } from './cluster-fixture.ts';
import { formSwarm, ipOf, runOnOverlay, sh, vniOf } from './swarm-commands.ts';

const machines = useCluster();

describe('a swarm on the virtual switch', () => {
	test('init on the manager, join on both workers: three nodes Ready', async () => {
		const { cluster, manager, worker1, worker2 } = machines;
		await formSwarm(manager, [worker1, worker2]);
		const nodes = await sh(manager, "docker node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}' | sort");
		expect(nodes.split('\n').map((line) => line.trim())).toEqual(['manager Ready Leader', 'worker1 Ready', 'worker2 Ready']);
		expect(cluster.capture.count({ proto: 'tcp', tcpPort: 2377, from: 'worker1', to: 'manager' })).toBeGreaterThan(0);
	});

	test('containers on two nodes ping each other by name over VXLAN with the network VNI', async () => {
		const { cluster, manager, worker1 } = machines;
		await sh(manager, 'docker network create -d overlay --attachable test-net');
		const vni = await vniOf(manager, 'test-net');
		await runOnOverlay(manager, 'c1', 'test-net');
		await runOnOverlay(worker1, 'c2', 'test-net');
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
		const { cluster, worker1 } = machines;
		const rule = cluster.switch.faults.add({ kind: 'drop', proto: 'udp', port: 4789, between: ['manager', 'worker1'] });
		const broken = await worker1.exec('docker exec c2 ping -c 2 -W 2 c1', { timeoutMs: 60_000 });
		expect(broken.exit).not.toBe(0);
		cluster.switch.faults.remove(rule);
		expect(await sh(worker1, 'docker exec c2 ping -c 2 -W 2 c1')).toMatch(/2 packets received/);
	});

	test('a published service answers on every node (routing mesh) from more than one container', { timeout: 1_200_000 }, async () => {
		const { manager, worker1, worker2 } = machines;
		await sh(manager, 'docker network create -d overlay web-net');
		await sh(manager, 'docker service create -d --no-resolve-image --name web --replicas 3 --network web-net -p 8080:80 nginx');
		await sh(manager, "for i in $(seq 600); do [ \"$(docker service ls -f name=web --format '{{.Replicas}}')\" = 3/3 ] && exit 0; sleep 1; done; docker service ps web; exit 1", 1_000_000);
		// Each node asks another node's address, so every answer crossed the switch and the ingress network.
		for (const [node, ip] of [[worker2, '10.0.3.62'], [manager, '10.0.3.63'], [worker1, '10.0.3.64']] as const) {
			expect(await sh(node, `curl -s --retry 3 --max-time 20 http://${ip}:8080/`)).toMatch(/Served by [0-9a-f]{12}/);
		}
		const servers = await sh(worker2, "for i in $(seq 12); do curl -s --max-time 20 http://10.0.3.64:8080/ | grep -o 'Served by [0-9a-f]*'; done | sort -u");
		expect(servers.split('\n').length).toBeGreaterThan(1);
	});

	test('an encrypted overlay carries ESP between nodes and no cleartext VXLAN for its VNI', { timeout: 1_200_000 }, async () => {
		const { cluster, manager, worker2 } = machines;
		await sh(manager, 'docker service rm web');
		await sh(manager, 'docker network create -d overlay --opt encrypted secret-net');
		const vni = await vniOf(manager, 'secret-net');
		// A service's tasks wait for their network as long as it takes; a standalone container gets 20 s.
		await sh(manager, 'docker service create -d --no-resolve-image --name secret --mode global --constraint node.hostname!=worker1 --network secret-net busybox sleep 3600');
		// A task whose container failed to start is replaced: each attempt takes the running task of each node.
		const runningTask = (node: typeof manager) =>
			sh(node, "for i in $(seq 300); do c=$(docker ps -q -f name=secret. -f status=running | head -1); [ -n \"$c\" ] && echo $c && exit 0; sleep 2; done; exit 1", 700_000);
		let since = 0;
		let ping = '';
		for (let attempt = 0; attempt < 10 && !/3 packets received/.test(ping); attempt++) {
			const managerTaskIp = await ipOf(manager, await runningTask(manager), 'secret-net');
			const onWorker2 = await runningTask(worker2);
			// The security associations are programmed as the tasks come up: a first ping lets them settle.
			await worker2.exec(`docker exec ${onWorker2} ping -c 2 -W 5 ${managerTaskIp}`, { timeoutMs: 60_000 });
			since = cluster.now();
			ping = (await worker2.exec(`docker exec ${onWorker2} ping -c 3 ${managerTaskIp}`, { timeoutMs: 120_000 })).stdout;
		}
		expect(ping).toMatch(/3 packets received/);
		expect(cluster.capture.count({ since, proto: 'esp', between: ['manager', 'worker2'] })).toBeGreaterThanOrEqual(6);
		expect(cluster.capture.count({ since, proto: 'vxlan', vni })).toBe(0);
	});
});
