// Worker entry: one v86 machine, its two serial ports and its NIC, driven by HostToVm messages.
import { V86 } from 'v86';
import { ChunkedDisk, chunkReader } from './chunked-disk.ts';
import { sleepWholeMilliseconds } from './idle-wakeups.ts';
import { yieldWithinWorker, type V86YieldingLoop } from './worker-yield.ts';
import { gunzip, gzip } from './inflate.ts';
import { applyDiff, diffState } from './state-diff.ts';
import { restoreParts, type StateParts, type V86Cpu } from './state-parts.ts';
import type { Endpoint, HostToVm, VmBootSpec, VmToHost } from './vm-protocol.ts';
import { readChecked, sourceReader, vmFileNames, VmFileError } from './vm-files.ts';

type Port = Endpoint<HostToVm, VmToHost>;

const inNode = typeof process !== 'undefined' && !!process.versions?.node;

async function selfEndpoint(): Promise<Port> {
	if (inNode) {
		const threads = 'node:worker_threads';
		const { parentPort } = await import(/* @vite-ignore */ threads);
		return {
			post: (message, transfer) => parentPort.postMessage(message, transfer as never),
			onMessage: (handler) => parentPort.on('message', handler),
		};
	}
	const scope = globalThis as unknown as { postMessage(m: unknown, t?: Transferable[]): void; onmessage: unknown };
	return {
		post: (message, transfer) => scope.postMessage(message, transfer ?? []),
		onMessage: (handler) => {
			scope.onmessage = (event: MessageEvent) => handler(event.data);
		},
	};
}

/** Batches serial bytes so each port sends one message per burst, not one per byte. */
function serialBatcher(send: (data: Uint8Array) => void) {
	let bytes: number[] = [];
	return (byte: number) => {
		if (bytes.length === 0) setTimeout(() => {
			const data = Uint8Array.from(bytes);
			bytes = [];
			send(data);
		}, 2);
		bytes.push(byte);
	};
}

async function main() {
	const port = await selfEndpoint();
	let emulator: V86 | undefined;
	let saved: StateParts | undefined;
	let restored = false;
	/** Restores and snapshots take turns: a snapshot's inflating must not let a later message run first. */
	let turn: Promise<unknown> = Promise.resolve();
	const inTurn = (work: () => Promise<void>, failed = fail) => {
		turn = turn.then(work).catch(failed);
	};
	// v86's machine object is created asynchronously with its wasm and has no public type.
	const internals = () => emulator as unknown as { v86: V86YieldingLoop & { cpu: V86Cpu } };
	const fail = (error: unknown) => {
		const file = error instanceof VmFileError ? error.file : undefined;
		port.post({ type: 'error', message: (error as Error).message ?? String(error), file });
	};

	async function start(spec: VmBootSpec) {
		const began = performance.now();
		const read = sourceReader(spec.source, {
			onBytes: (file, bytes) => port.post({ type: 'download', file, bytes }),
			onRetry: (retry) => port.post({ type: 'retrying', retry }),
		});
		const { manifest } = spec;
		const load = (path: string) => readChecked(read, manifest, path);
		const buffer = (data: Uint8Array) => ({ buffer: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer });
		const [bios, vgaBios] = await Promise.all([load(vmFileNames.bios), load(vmFileNames.vgaBios)]);
		const disk = new ChunkedDisk({
			size: manifest.disk.size,
			chunkSize: manifest.disk.chunkSize,
			readChunk: chunkReader(load, manifest.disk.chunks),
			onError: (error) => fail(new VmFileError('disk', error.message)),
		});
		// A machine to restore starts paused and waits for its state.
		const boot = spec.boot ? { bzimage: buffer(await load(vmFileNames.kernel)), initrd: buffer(await load(vmFileNames.initrd)), cmdline: manifest.cmdline } : {};
		emulator = new V86({
			wasm_fn: async (env: WebAssembly.Imports) => (await WebAssembly.instantiate(spec.wasm, env)).exports,
			memory_size: manifest.memoryMB * 1024 * 1024,
			vga_memory_size: 2 * 1024 * 1024,
			bios: buffer(bios),
			vga_bios: buffer(vgaBios),
			hda: disk as never,
			...boot,
			uart1: true,
			net_device: { type: 'virtio' },
			preserve_mac_from_state_image: true,
			autostart: spec.boot,
			disable_keyboard: true,
			disable_mouse: true,
			disable_speaker: true,
			acpi: false,
			disable_jit: !spec.jit,
		} as never);
		const consoleOut = serialBatcher((data) => port.post({ type: 'console-out', data }, [data.buffer]));
		const agentOut = serialBatcher((data) => port.post({ type: 'agent-out', data }, [data.buffer]));
		emulator.add_listener('serial0-output-byte', consoleOut);
		emulator.add_listener('serial1-output-byte', agentOut);
		emulator.add_listener('net0-send', (frame: Uint8Array) => {
			const copy = frame.slice();
			port.post({ type: 'frame-out', frame: copy }, [copy.buffer]);
		});
		emulator.add_listener('emulator-loaded', () => {
			if (!inNode) yieldWithinWorker(internals().v86);
			sleepWholeMilliseconds(internals().v86);
			port.post({ type: 'started', ms: performance.now() - began });
		});
	}

	port.onMessage((message) => {
		switch (message.type) {
			case 'start':
				start(message.spec).catch(fail);
				break;
			case 'console-in':
				emulator?.serial_send_bytes(0, message.data);
				break;
			case 'agent-in':
				emulator?.serial_send_bytes(1, message.data);
				break;
			case 'frame-in':
				// v86's bus is how adapters feed its NIC (examples/two_instances.html); its .d.ts does not declare it.
				(emulator as unknown as { bus?: { send(event: string, data: Uint8Array): void } } | undefined)?.bus?.send('net0-receive', message.frame);
				break;
			case 'save':
				emulator!.save_state().then((state) => port.post({ type: 'saved', state }, [state]), fail);
				break;
			case 'restore':
				inTurn(async () => {
					saved = message.parts ?? saved;
					if (!saved || !emulator) throw new Error('no saved state to restore');
					const parts = message.snapshot ? applyDiff(saved, await gunzip(message.snapshot)) : saved;
					restoreParts(internals().v86.cpu, parts, !restored);
					restored = true;
					void emulator.run();
					port.post({ type: 'restored' });
				});
				break;
			case 'snapshot':
				inTurn(async () => {
					if (!saved || !emulator) throw new Error('a machine that was not restored has no saved state to compare with');
					const { diff, changedPages } = diffState(saved, new Uint8Array(await emulator.save_state()));
					// Its own buffer, whole: that is what the transfer hands over.
					const snapshot = new Uint8Array(await gzip(diff));
					port.post({ type: 'snapshot', snapshot, changedPages }, [snapshot.buffer]);
				}, (error) => port.post({ type: 'snapshot', error: (error as Error).message ?? String(error) }));
				break;
			case 'stop':
				Promise.resolve(emulator?.destroy()).finally(() => port.post({ type: 'stopped' }));
				break;
		}
	});
}

main();
