// A node's restores and resets against a scripted worker: the worker answers `start`, `restore` (slowly, one at a
// time, as v86 does) and the agent's requests, so the node's own bookkeeping is what is tested.
import { describe, expect, test } from 'vitest';
import { Node, type SavedMachine, type VmFiles } from '../../../emulator/node/node.ts';
import type { HostToVm, VmToHost, VmWorkerHandle } from '../../../emulator/node/vm-protocol.ts';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A worker whose machine takes `restoreMs` to restore and whose agent answers every request with exit 0. */
function scriptedWorker(restoreMs: number) {
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
				}, restoreMs);
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

function restoredNode(restoreMs = 30) {
	const worker = scriptedWorker(restoreMs);
	const files = { manifest: {}, source: { kind: 'fs', dir: '.' }, wasm: async () => ({}), jit: false, spawn: () => worker.handle } as unknown as VmFiles;
	const node = Node.create(files, { name: 'worker1', ip: '10.0.3.63', peers: [] });
	return { node, worker, ready: node.restoreFrom(machine) };
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
});
