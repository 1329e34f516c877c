// A stand-in for emulator/cluster's Cluster: scripted command handlers per node and a list of frames on a fake clock.
import { FaultSet } from '../../emulator/network/faults.ts';
import type { LabCluster } from '../../labs/engine/cluster-context.ts';
import type { CaptureFilter, ExecResult } from '../../labs/engine/types.ts';

export interface FakeFrame {
	time: number;
	from: string;
	to: string;
	proto: string;
	vni?: number;
}

type Handler = (command: string, cluster: FakeCluster) => ExecResult | Promise<ExecResult>;

export const ok = (stdout = ''): ExecResult => ({ exit: 0, stdout, stderr: '' });
export const fail = (stderr = 'error', exit = 1): ExecResult => ({ exit, stdout: '', stderr });

export class FakeCluster implements LabCluster {
	clock = 1_000;
	readonly frames: FakeFrame[] = [];
	readonly commands: string[] = [];
	readonly filters: (CaptureFilter & { since?: number })[] = [];

	/** The real switch's rules; cables as a map of node to link state. */
	readonly links = new Map<string, 'up' | 'down'>();
	readonly switch = {
		faults: new FaultSet(),
		setLink: (name: string, state: 'up' | 'down') => {
			if (!this.handlers[name]) throw new Error(`no port "${name}" on the switch`);
			this.links.set(name, state);
		},
		ports: () => Object.keys(this.handlers).map((name) => ({ name })),
	};

	constructor(private readonly handlers: Record<string, Handler>) {}

	node(name: string) {
		const handler = this.handlers[name];
		if (!handler) throw new Error(`no node named "${name}"`);
		return {
			exec: async (command: string) => {
				this.clock += 10;
				this.commands.push(`${name}$ ${command}`);
				return handler(command, this);
			},
		};
	}

	/** Frames up to this time count as dropped from the capture. */
	lostUpTo = -Infinity;

	readonly capture = {
		lostUpTo: () => this.lostUpTo,
		count: (filter: CaptureFilter & { since?: number }) => {
			this.filters.push(filter);
			return this.frames.filter(
				(f) =>
					(filter.since === undefined || f.time >= filter.since) &&
					(filter.proto === undefined || f.proto === filter.proto) &&
					(filter.from === undefined || f.from === filter.from) &&
					(filter.to === undefined || f.to === filter.to) &&
					(filter.vni === undefined || f.vni === filter.vni),
			).length;
		},
	};

	/** Time moves on between any two readings, as the switch clock does. */
	now() {
		return ++this.clock;
	}

	send(frame: Omit<FakeFrame, 'time'>) {
		this.frames.push({ time: this.clock, ...frame });
	}
}
