// A switch on a test bench: a hand-driven clock, one inbox per node, and frames with chosen MACs.
import { CaptureRing } from '../../../emulator/network/capture.ts';
import { Switch, type SwitchPort } from '../../../emulator/network/switch.ts';

export const nodeMacs = {
	manager: '02:5a:0a:00:03:3e',
	worker1: '02:5a:0a:00:03:3f',
	worker2: '02:5a:0a:00:03:40',
} as const;
export type NodeName = keyof typeof nodeMacs;
export const broadcast = 'ff:ff:ff:ff:ff:ff';

function macBytes(mac: string): number[] {
	return mac.split(':').map((part) => parseInt(part, 16));
}

/** A minimum-size frame of the local experimental EtherType 0x88b5, marked with a tag byte to tell frames apart. */
export function ethernetFrame(dst: string, src: string, tag = 0, length = 60): Uint8Array {
	const frame = new Uint8Array(length);
	frame.set([...macBytes(dst), ...macBytes(src), 0x88, 0xb5, tag]);
	return frame;
}

/** A copy of a fixture with its MACs rewritten, to send a real frame between bench nodes. */
export function withMacs(bytes: Uint8Array, dst: string, src: string): Uint8Array {
	const frame = bytes.slice();
	frame.set([...macBytes(dst), ...macBytes(src)]);
	return frame;
}

export function bench(options: { nodes?: NodeName[]; capacity?: number; macAgeingMs?: number } = {}) {
	let time = 1_700_000_000_000;
	const clock = { now: () => time, advance: (ms: number) => void (time += ms) };
	const capture = new CaptureRing({ capacity: options.capacity ?? 100 });
	const sw = new Switch({ now: clock.now, capture, macAgeingMs: options.macAgeingMs });
	const inbox: Record<string, Uint8Array[]> = {};
	const ports = {} as Record<NodeName, SwitchPort>;
	for (const name of options.nodes ?? (Object.keys(nodeMacs) as NodeName[])) {
		inbox[name] = [];
		ports[name] = sw.plug(name, (frame) => inbox[name].push(frame));
	}
	/** Which nodes got something since the last call, emptying the inboxes. */
	const received = () => {
		const names = Object.keys(inbox).filter((name) => inbox[name].length > 0);
		for (const name of names) inbox[name] = [];
		return names;
	};
	/** Send a frame between nodes, addressed by their MACs. */
	const send = (from: NodeName, to: NodeName | 'broadcast', tag = 0) => ports[from].send(ethernetFrame(to === 'broadcast' ? broadcast : nodeMacs[to], nodeMacs[from], tag));
	return { sw, clock, capture, inbox, ports, received, send };
}
