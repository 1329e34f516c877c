import { rmSync, unlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Cluster } from '../../emulator/cluster/cluster.ts';
import { defaultVmDir, localVmFiles } from '../../emulator/node/local-files.ts';
import { agentHeartbeat } from '../../emulator/node/agent-heartbeat.ts';
import type { Node, VmFiles } from '../../emulator/node/node.ts';
import { parseStatesIndex, statesIndexPath } from '../../emulator/node/saved-states.ts';
import { linkedImageCopy, requireImage, stripAnsi, waitFor } from './vm-fixture.ts';

/** One node from the prepared `base` state, which receives its identity (as a sandbox's fourth and fifth nodes do). */
const restoreOne = async (files: VmFiles, spec: { name: string; ip: string }) => Cluster.restore({ nodes: [spec], files, start: 'base', heartbeat: agentHeartbeat });

describe('one node restored from the prepared base state', () => {
	let cluster: Cluster;
	let node: Node;

	beforeAll(async () => {
		cluster = await restoreOne(await requireImage(), { name: 'manager', ip: '10.0.3.62' });
		node = cluster.node('manager');
	});

	afterAll(async () => {
		await cluster?.stop();
	});

	test('docker info answers: engine 26 or newer, crun by default, overlay2, cgroup v2, swarm inactive', async () => {
		const info = await node.exec("docker info -f '{{.ServerVersion}}|{{.DefaultRuntime}}|{{.Driver}}|{{.CgroupVersion}}|{{.Swarm.LocalNodeState}}'");
		expect(info.exit).toBe(0);
		const [version, ...rest] = info.stdout.trim().split('|');
		expect(Number(version.split('.')[0])).toBeGreaterThanOrEqual(26);
		expect(rest).toEqual(['crun', 'overlay2', '2', 'inactive']);
	});

	test('every module the image ships is loaded at boot, and the kernel runs no modprobe afterwards', async () => {
		const result = await node.exec("lsmod | grep -c -E '^(vxlan|xt_bpf|xt_policy|esp4|ip_vs) '; printf '[%s]' \"$(cat /proc/sys/kernel/modprobe)\"");
		expect(result.stdout).toBe('5\n[]');
	});

	test('the node has the identity it was given', async () => {
		const result = await node.exec('hostname; ip -4 -o addr show eth0; cat /sys/class/net/eth0/address');
		expect(result.stdout).toContain('manager');
		expect(result.stdout).toContain('10.0.3.62/24');
		expect(result.stdout).toContain('02:5a:0a:00:03:3e');
	});

	test('the console shows a bash prompt with the hostname', async () => {
		node.console.write('\n');
		await waitFor(() => stripAnsi(node.console.text()).includes('root@manager:~#'), 30_000, 'the prompt');
	});

	test('a busybox container runs and prints', async () => {
		const result = await node.exec('docker run --rm busybox echo ok', { timeoutMs: 120_000 });
		expect(result).toMatchObject({ exit: 0, stdout: 'ok\n' });
	});

	test('an nginx container serves its page on a published port', async () => {
		const run = await node.exec('docker run -d -p 8080:80 --name web nginx', { timeoutMs: 120_000 });
		expect(run.exit).toBe(0);
		const page = await node.exec('for i in $(seq 30); do curl -sf http://127.0.0.1:8080/ && exit 0; sleep 1; done; exit 1', { timeoutMs: 60_000 });
		expect(page.exit).toBe(0);
		expect(page.stdout).toMatch(/Served by [0-9a-f]{12}/);
		expect(page.stdout).toMatch(/eth0 172\.17\.\d+\.\d+\/16/);
	});

	test('a command that never ends times out and the agent serves the next one', async () => {
		await expect(node.exec('sleep 600', { timeoutMs: 2000 })).rejects.toMatchObject({ code: 'timeout' });
		const next = await node.exec('echo still here');
		expect(next.stdout).toBe('still here\n');
	});

	test('stdout, stderr and exit codes come back unmangled', async () => {
		const result = await node.exec("printf 'a b\\n\\x1e c' ; echo 'é\"' >&2; exit 3");
		expect(result).toMatchObject({ exit: 3, stdout: 'a b\n\x1e c', stderr: 'é"\n' });
	});

	test('an agent killed in the guest is started again: what it was running fails with the reason, the next command runs', async () => {
		const running = node.exec('sleep 60');
		// The command's own shell is one of the agent's processes: it dies with them, and its answer with it.
		const killing = node.exec('pkill -9 -f swarmlab-agent');
		for (const request of [running, killing]) await expect(request).rejects.toMatchObject({ code: 'unreachable', message: expect.stringContaining('agent restarted') });
		expect((await node.exec('echo back')).stdout).toBe('back\n');
	});

	test('an agent stopped in the guest is reported lost within 12 s; a reset brings it back', async () => {
		const changes: { answering: boolean; at: number }[] = [];
		const unsubscribe = node.onAgent((answering) => changes.push({ answering, at: Date.now() }));
		try {
			const stoppedAt = Date.now();
			void node.exec('pkill -STOP -f swarmlab-agent').catch(() => {});
			await waitFor(() => changes.length > 0, 20_000, 'the heartbeat to find the agent lost');
			expect(changes[0].answering).toBe(false);
			expect(changes[0].at - stoppedAt).toBeLessThanOrEqual(12_500);
			await node.reset();
			expect(changes.map((change) => change.answering)).toEqual([false, true]);
			expect((await node.exec('hostname')).stdout.trim()).toBe('manager');
		} finally {
			unsubscribe();
		}
	});

	test('reset brings back a node whose dockerd was killed', async () => {
		await node.exec('pkill -9 dockerd; pkill -9 containerd; sleep 1');
		expect((await node.exec('docker info >/dev/null 2>&1; echo $?')).stdout.trim()).not.toBe('0');
		await node.reset();
		const info = await node.exec("docker info -f '{{.ServerVersion}}'", { timeoutMs: 60_000 });
		expect(info.exit).toBe(0);
		expect((await node.exec('hostname')).stdout.trim()).toBe('manager');
		expect((await node.exec('docker ps -q | wc -l')).stdout.trim()).toBe('0');
	});
});

describe('a damaged image is named, never booted', () => {
	// The copy is made of links: damage writes a new file in place of the link, never into the real image.
	const replace = (path: string, edit: (bytes: Buffer) => Buffer) => {
		const bytes = edit(readFileSync(path));
		unlinkSync(path);
		writeFileSync(path, bytes);
	};
	const index = parseStatesIndex(readFileSync(join(defaultVmDir, statesIndexPath)));
	const basePack = index.packs[index.states.base.packs[0]].file;
	test.each([
		['missing pack of the saved state', basePack, (path: string) => unlinkSync(path)],
		['truncated BIOS', 'bios.bin', (path: string) => replace(path, (bytes) => bytes.subarray(0, 1000))],
		['corrupted block map', index.states.base.map, (path: string) => replace(path, (bytes) => {
			bytes[bytes.length >> 1] ^= 0xff;
			return bytes;
		})],
	])('%s', async (_, file, damage) => {
		const dir = linkedImageCopy();
		try {
			damage(join(dir, file));
			await expect(restoreOne(await localVmFiles(dir), { name: 'broken', ip: '10.0.3.99' })).rejects.toThrow(`VM file "${file}"`);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	test('a missing manifest says how to build the image', async () => {
		const dir = linkedImageCopy();
		unlinkSync(join(dir, 'manifest.json'));
		await expect(localVmFiles(dir)).rejects.toThrow(/manifest\.json.*npm run vm/);
		rmSync(dir, { recursive: true, force: true });
	});
});
