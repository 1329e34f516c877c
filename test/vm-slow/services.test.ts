// Slow suite (`npm run test:slow`): a published service through the routing mesh, and an IPsec-encrypted overlay.
import { describe, expect, test } from 'vitest';
import { formSwarm, sh, vniOf, useCluster } from '../vm/cluster-fixture.ts';

const machines = useCluster();

describe('services and encryption on the virtual switch', () => {
	test('a swarm forms', async () => {
		const { cluster, manager, worker1, worker2 } = machines;
		await formSwarm(manager, [worker1, worker2]);
	});

	test('a published service answers on every node (routing mesh) from more than one container', { timeout: 1_200_000 }, async () => {
		const { cluster, manager, worker1, worker2 } = machines;
		await sh(manager, 'docker network create -d overlay web-net');
		await sh(manager, 'docker service create -d --no-resolve-image --name web --replicas 3 --network web-net -p 8080:80 nginx');
		await sh(manager, "for i in $(seq 600); do [ \"$(docker service ls -f name=web --format '{{.Replicas}}')\" = 3/3 ] && exit 0; sleep 1; done; docker service ps web; exit 1", 1_000_000);
		for (const [node, ip] of [[worker2, '10.0.3.62'], [manager, '10.0.3.63'], [worker1, '10.0.3.64']] as const) {
			expect(await sh(node, `curl -s --max-time 20 http://${ip}:8080/`)).toMatch(/Served by [0-9a-f]{12}/);
		}
		const servers = await sh(worker2, "for i in $(seq 12); do curl -s --max-time 20 http://10.0.3.64:8080/ | grep -o 'Served by [0-9a-f]*'; done | sort -u");
		expect(servers.split('\n').length).toBeGreaterThan(1);
	});

	test('an encrypted overlay carries ESP between nodes and no cleartext VXLAN for its VNI', async () => {
		const { cluster, manager, worker1, worker2 } = machines;
		await sh(manager, 'docker network create -d overlay --opt encrypted --attachable secret-net');
		const vni = await vniOf(manager, 'secret-net');
		await sh(manager, 'docker run -d --name s1 --network secret-net busybox sleep 3600');
		await sh(worker2, 'docker run -d --name s2 --network secret-net busybox sleep 3600');
		const since = cluster.now();
		expect(await sh(worker2, 'docker exec s2 ping -c 3 s1', 120_000)).toMatch(/3 packets received/);
		expect(cluster.capture.count({ since, proto: 'esp', between: ['manager', 'worker2'] })).toBeGreaterThanOrEqual(6);
		expect(cluster.capture.count({ since, proto: 'vxlan', vni })).toBe(0);
	});
});
