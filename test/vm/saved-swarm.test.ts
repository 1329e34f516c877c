// The saved swarm restored with the host clock a year ahead of the build, as a student opening the site a year later
// would: the swarm holds, a service deploys at once, and resetting nodes leaves a consistent cluster.
import { X509Certificate } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { Cluster, defaultNodes, type ClusterSnapshot } from '../../emulator/cluster/cluster.ts';
import { useCluster } from './cluster-fixture.ts';
import { requireImage } from './vm-fixture.ts';
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

	// The spec alone is not enough: `init --cert-expiry` left the certificates themselves at 90 days.
	test('every node holds a certificate valid for years, so a jump of a year leaves it valid', async () => {
		const { manager, worker1, worker2 } = machines;
		expect(await sh(manager, "docker info -f '{{.Swarm.Cluster.Spec.CAConfig.NodeCertExpiry}}'")).toBe('87600h0m0s');
		for (const node of [manager, worker1, worker2]) {
			const pem = await sh(node, 'cat /var/lib/docker/swarm/certificates/swarm-node.crt');
			const validTo = Date.parse(new X509Certificate(pem).validTo);
			expect(validTo - Date.now(), node.name).toBeGreaterThan(5 * yearMs);
		}
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

	let snapshot: ClusterSnapshot;

	test('a snapshot of the cluster is what changed since the saved swarm, a fraction of it', { timeout: 200_000 }, async () => {
		const { cluster, worker1 } = machines;
		await sh(worker1, 'echo written-before-the-snapshot >/root/note.txt');
		snapshot = await cluster.snapshot();
		expect(snapshot.start).toBe('swarm');
		expect(snapshot.nodes.map((node) => node.name)).toEqual(['manager', 'worker1', 'worker2']);
		for (const node of snapshot.nodes) {
			expect(node.changedPages).toBeGreaterThan(0);
			// Each node has 384 MB of RAM, about 250 MB of it in use.
			expect(node.data.length).toBeLessThan(40e6);
		}
	});

	test('the whole cluster back to the saved swarm: the service and the file are gone, three nodes Ready', { timeout: 200_000 }, async () => {
		const { cluster, manager, worker1 } = machines;
		await cluster.reset('swarm');
		expect(await sh(manager, 'docker service ls -q')).toBe('');
		expect(await sh(worker1, 'cat /root/note.txt 2>/dev/null || echo none')).toBe('none');
		await waitAllReady(manager, 3, 60);
	});

	test('back to the snapshot in the same machines: the file, the service and the swarm are there again', { timeout: 400_000 }, async () => {
		const { cluster, manager, worker1 } = machines;
		await cluster.reset(snapshot);
		expect(await sh(worker1, 'cat /root/note.txt')).toBe('written-before-the-snapshot');
		await waitAllReady(manager, 3, 120);
		await sh(manager, converged('web', 3), 300_000);
	});

	test('a snapshot resumed by a new cluster (as a reloaded page does): the file, the service, three nodes Ready', { timeout: 400_000 }, async () => {
		await machines.cluster.stop();
		const resumed = await Cluster.restore({ nodes: defaultNodes, files: await requireImage(), start: snapshot, clock: () => Date.now() + yearMs });
		try {
			const [manager, worker1] = ['manager', 'worker1'].map((name) => resumed.node(name));
			expect(await sh(worker1, 'cat /root/note.txt')).toBe('written-before-the-snapshot');
			await waitAllReady(manager, 3, 120);
			await sh(manager, converged('web', 3), 300_000);
			expect(await sh(worker1, 'curl -s --retry 5 --max-time 20 http://10.0.3.62:8080/')).toMatch(/Served by [0-9a-f]{12}/);
		} finally {
			await resumed.stop();
		}
	});
});
