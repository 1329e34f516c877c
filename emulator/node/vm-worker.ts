// Worker entry: one v86 machine, its two serial ports and its NIC, driven by HostToVm messages.
import { V86 } from 'v86';
import { ChunkedDisk, chunkReader } from './chunked-disk.ts';
import { sleepWholeMilliseconds } from './idle-wakeups.ts';
import type { Endpoint, HostToVm, VmBootSpec, VmSource, VmToHost } from './vm-protocol.ts';
import { readChecked, vmFileNames, VmFileError, type ReadVmFile } from './vm-files.ts';

type Port = Endpoint<HostToVm, VmToHost>;

async function selfEndpoint(): Promise<Port> {
	if (typeof process !== 'undefined' && process.versions?.node) {
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

/** Reads image files, reporting bytes as they arrive so the page can draw real progress. */
function readerFor(source: VmSource, onBytes: (path: string, bytes: number) => void): ReadVmFile {
	if (source.kind === 'http') {
		return async (path) => {
			const response = await fetch(source.baseUrl + path);
			if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
			const parts: Uint8Array[] = [];
			let total = 0;
			for (const reader = response.body.getReader(); ; ) {
				const { done, value } = await reader.read();
				if (done) break;
				parts.push(value);
				total += value.byteLength;
				onBytes(path, value.byteLength);
			}
			const data = new Uint8Array(total);
			let offset = 0;
			for (const part of parts) {
				data.set(part, offset);
				offset += part.byteLength;
			}
			return data;
		};
	}
	return async (path) => {
		const fsName = 'node:fs/promises';
		const { readFile } = await import(/* @vite-ignore */ fsName);
		const data = new Uint8Array(await readFile(`${source.dir}/${path}`));
		onBytes(path, data.byteLength);
		return data;
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
	let savedState: ArrayBuffer | undefined;
	const fail = (error: unknown) => {
		const file = error instanceof VmFileError ? error.file : undefined;
		port.post({ type: 'error', message: (error as Error).message ?? String(error), file });
	};

	async function start(spec: VmBootSpec) {
		const began = performance.now();
		const read = readerFor(spec.source, (file, bytes) => port.post({ type: 'download', file, bytes }));
		const { manifest } = spec;
		const load = (path: string) => readChecked(read, manifest, path);
		const buffer = (data: Uint8Array) => ({ buffer: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer });
		const [bios, vgaBios] = await Promise.all([load(vmFileNames.bios), load(vmFileNames.vgaBios)]);
		const disk = new ChunkedDisk({
			...manifest.disk,
			readChunk: chunkReader(load),
			onError: (error) => fail(new VmFileError('disk', error.message)),
		});
		const boot = spec.restore
			? { initial_state: buffer(await load(vmFileNames.state)) }
			: { bzimage: buffer(await load(vmFileNames.kernel)), initrd: buffer(await load(vmFileNames.initrd)), cmdline: manifest.cmdline };
		if (spec.restore) savedState = boot.initial_state!.buffer;
		emulator = new V86({
			wasm_path: spec.wasmPath,
			memory_size: manifest.memoryMB * 1024 * 1024,
			vga_memory_size: 2 * 1024 * 1024,
			bios: buffer(bios),
			vga_bios: buffer(vgaBios),
			hda: disk as never,
			...boot,
			uart1: true,
			net_device: { type: 'virtio' },
			preserve_mac_from_state_image: true,
			autostart: true,
			disable_keyboard: true,
			disable_mouse: true,
			disable_speaker: true,
			acpi: false,
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
			// v86's main loop object is created asynchronously with its wasm and has no public type.
			sleepWholeMilliseconds((emulator as unknown as { v86: Parameters<typeof sleepWholeMilliseconds>[0] }).v86);
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
			case 'reset':
				if (!savedState || !emulator) return fail(new Error('reset needs a node restored from a snapshot'));
				emulator.restore_state(savedState.slice(0)).then(() => port.post({ type: 'reset-done' }), fail);
				break;
			case 'stop':
				Promise.resolve(emulator?.destroy()).finally(() => port.post({ type: 'stopped' }));
				break;
		}
	});
}

main();
