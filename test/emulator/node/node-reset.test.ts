// A node's restores and resets against a scripted worker: the worker answers `start`, `restore` (slowly, one at a
// time, as v86 does) and the agent's requests, so the node's own bookkeeping is what is tested.
import { describe, expect, test } from 'vitest';
import { Node, type RestoreOptions, type SavedMachine, type VmFiles } from '../../../emulator/node/node.ts';
import type { HostToVm, VmToHost, VmWorkerHandle } from '../../../emulator/node/vm-protocol.ts';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A worker whose machine takes `timing.restoreMs` to restore and whose agent answers every request with exit 0. */
function scriptedWorker(timing: { restoreMs: number }) {
	let onMessage: (message: VmToHost) => void = () => {};
	const log: string[] = [];
	let restoring = 0;
	const handle: VmWorkerHandle = {
		post: (message: HostToVm) => {
			if (message.type === 'start') setTimeout(() => onMessage({ type: 'started', ms: 1 }));
			if (message.type === 'restore') {
				log.push(restoring ? 'restore while restoring' : 'restore');
				restoring++;
				setTimeout(() => {
					restoring--;
					onMessage({ type: 'restored' });
				}, timing.restoreMs);
			}
			if (message.type === 'agent-in') {
				const id = decoder.decode(message.data).split(' ')[0];
				setTimeout(() => onMessage({ type: 'agent-out', data: encoder.encode(`\x1e${id} 0 0 0\n`) }));
			}
		},
		onMessage: (handler) => (onMessage = handler),
		onError: () => {},
		terminate: () => {},
	};
	return { handle, log };
}

const machine: SavedMachine = { parts: () => ({ tree: [], buffers: [], memory: { data: new ArrayBuffer(0) } }), sameIdentity: true, savedAt: 0 };

function restoredNode(options: RestoreOptions = {}) {
	const timing = { restoreMs: 30 };
	const worker = scriptedWorker(timing);
	const files = { manifest: {}, source: { kind: 'fs', dir: '.' }, wasm: async () => ({}), jit: false, spawn: () => worker.handle } as unknown as VmFiles;
	const node = Node.create(files, { name: 'worker1', ip: '10.0.3.63', peers: [] }, options);
	return { node, worker, timing, ready: node.restoreFrom(machine) };
}

describe('Node reset', () => {
	test('two resets asked at once both end, one after the other, and the node is ready', async () => {
		const { node, worker, ready } = restoredNode();
		await ready;
		const states: string[] = [];
		node.onStatus((status) => states.push(status.state));
		await Promise.all([node.reset(), node.reset()]);
		expect(worker.log).toEqual(['restore', 'restore', 'restore']);
		expect(node.status.state).toBe('ready');
		expect(states).toEqual(['resetting', 'ready', 'resetting', 'ready']);
	});

	test('a reset asked while the first restore is still under way waits for it', async () => {
		const { node, worker, ready } = restoredNode();
		await Promise.all([ready, node.reset()]);
		expect(worker.log).toEqual(['restore', 'restore']);
		expect(node.status.state).toBe('ready');
	});

	test('a machine that does not answer a reset in time turns the node to error with the reason; the next reset brings it back', async () => {
		const { node, timing, ready } = restoredNode({ timeouts: { loadMs: 200 } });
		await ready;
		timing.restoreMs = 1000;
		await expect(node.reset()).rejects.toThrow('node worker1: its machine did not answer (loading its saved state) within 0.2 s');
		expect(node.status).toEqual({ state: 'error', reason: 'node worker1: its machine did not answer (loading its saved state) within 0.2 s' });
		timing.restoreMs = 30;
		await node.reset();
		expect(node.status.state).toBe('ready');
	});

	test('a worker that never says it started fails the first restore with the reason, not a wait without end', async () => {
		const worker = scriptedWorker({ restoreMs: 30 });
		const silent = { ...worker.handle, post: () => {} };
		const files = { manifest: {}, source: { kind: 'fs', dir: '.' }, wasm: async () => ({}), jit: false, spawn: () => silent } as unknown as VmFiles;
		const node = Node.create(files, { name: 'manager', ip: '10.0.3.62', peers: [] }, { timeouts: { startMs: 100 } });
		await expect(node.restoreFrom(machine)).rejects.toThrow('node manager: its machine did not answer (starting) within 0.1 s');
		expect(node.status.state).toBe('error');
	});
});
