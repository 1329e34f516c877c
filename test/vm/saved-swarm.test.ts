// The saved swarm restored with the host clock a year ahead of the build, as a student opening the site a year later
// would: the swarm holds, a service deploys at once, and resetting nodes leaves a consistent cluster.
import { describe, expect, test } from 'vitest';
import { useCluster } from './cluster-fixture.ts';
import { sh } from './swarm-commands.ts';
import { waitAllReady } from '../../emulator/cluster/swarm.ts';

const yearMs = 365 * 24 * 3600 * 1000;
const machines = useCluster('swarm', () => Date.now() + yearMs);

const converged = (name: string, replicas: number) =>
	`for i in $(seq 240); do [ "$(docker service ls -f name=${name} --format '{{.Replicas}}')" = ${replicas}/${replicas} ] && exit 0; sleep 1; done; docker service ps ${name}; exit 1`;

describe('the saved swarm, opened a year after the build', () => {
	test('every guest shows the host’s date, and the manager sees three nodes Ready', async () => {
		const { manager, worker1, worker2 } = machines;
		const year = String(new Date(Date.now() + yearMs).getUTCFullYear());
		for (const node of [manager, worker1, worker2]) expect(await sh(node, 'date -u +%Y')).toBe(year);
		await waitAllReady(manager, 3, 60);
		const nodes = await sh(manager, "docker node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}' | sort");
		expect(nodes.split('\n').map((line) => line.trim())).toEqual(['manager Ready Leader', 'worker1 Ready', 'worker2 Ready']);
	});

	test('node certificates are issued for ten years, so a jump of a year leaves them valid', async () => {
		const { manager } = machines;
		expect(await sh(manager, "docker info -f '{{.Swarm.Cluster.Spec.CAConfig.NodeCertExpiry}}'")).toBe('87600h0m0s');
	});

	test('a service deploys at once on all three nodes', { timeout: 400_000 }, async () => {
		const { manager } = machines;
		await sh(manager, 'docker service create -d --no-resolve-image --name web --replicas 3 -p 8080:80 nginx');
		await sh(manager, converged('web', 3), 300_000);
		const placed = await sh(manager, "docker service ps web -f desired-state=running --format '{{.Node}}' | sort -u");
		expect(placed.split('\n')).toEqual(['manager', 'worker1', 'worker2']);
	});

	// The reset worker's saved TCP connections no longer match the manager's: it dials again, and the new TLS
	// handshake checks both certificates against the guests' clocks, a year after the build.
	test('resetting one worker leaves one consistent swarm: Ready again, the service back to 3/3', { timeout: 400_000 }, async () => {
		const { manager, worker1 } = machines;
		await worker1.reset();
		expect(await sh(worker1, "docker info -f '{{.Swarm.LocalNodeState}}'")).toBe('active');
		await waitAllReady(manager, 3, 120);
		await sh(manager, converged('web', 3), 300_000);
		expect(await sh(worker1, 'curl -s --retry 5 --max-time 20 http://10.0.3.62:8080/')).toMatch(/Served by [0-9a-f]{12}/);
	});

	test('the whole cluster back to the saved swarm: the service is gone, three nodes Ready', { timeout: 200_000 }, async () => {
		const { cluster, manager } = machines;
		await cluster.reset('swarm');
		expect(await sh(manager, 'docker service ls -q')).toBe('');
		await waitAllReady(manager, 3, 60);
	});
});
