// The virtual Ethernet switch between the nodes' NICs: learns MACs, floods the unknown, applies faults, records every frame.
import { CaptureRing, type CaptureRecord, type PortDrop } from './capture.ts';
import { Events } from './events.ts';
import { FaultSet, frameFacts, type FrameFacts } from './faults.ts';
import { macFromNumber, macNumber } from './packet/address.ts';
import { isGroupMac } from './packet/ethernet.ts';
import { Port, type Deliver, type LinkState, type SwitchPort } from './port.ts';

export type { LinkState, PortCounters, SwitchPort } from './port.ts';

// Ethernet: destination MAC at 0, source MAC at 6; anything shorter than the 14-byte header cannot be switched.
const dstMacOffset = 0;
const srcMacOffset = 6;
const minFrameLength = 14;

export interface SwitchOptions {
	/** Milliseconds; Date.now by default so capture times are wall-clock times (pcap needs them). */
	now?: () => number;
	/** How long a learned MAC stays without being seen again (802.1D default: 300 s). */
	macAgeingMs?: number;
	capture?: CaptureRing;
}

export interface MacEntry {
	mac: string;
	port: string;
	ageMs: number;
}

export interface SwitchEvents {
	/** Every frame that entered, after the switch decided where it goes. */
	frame: CaptureRecord;
	link: { port: string; state: LinkState | 'plugged' | 'unplugged' };
}

export class Switch {
	readonly faults = new FaultSet(() => [...this.portsByName.keys()]);
	readonly capture?: CaptureRing;
	private readonly now: () => number;
	private readonly macAgeingMs: number;
	private readonly portsByName = new Map<string, Port>();
	private readonly macs = new Map<number, { port: Port; seen: number }>();
	private readonly timers = new Set<ReturnType<typeof setTimeout>>();
	private readonly events = new Events<SwitchEvents>();
	private seq = 0;
	private disposed = false;

	constructor(options: SwitchOptions = {}) {
		this.now = options.now ?? Date.now;
		this.macAgeingMs = options.macAgeingMs ?? 300_000;
		this.capture = options.capture;
	}

	plug(name: string, deliver: Deliver): SwitchPort {
		if (this.disposed) throw new Error(`cannot plug "${name}": the switch is disposed`);
		if (this.portsByName.has(name)) throw new Error(`port "${name}" is already plugged`);
		const port = new Port(name, deliver, {
			ingress: (from, frame) => this.ingress(from, frame),
			setLink: (state) => this.setLink(name, state),
			unplug: () => this.unplug(name),
		});
		this.portsByName.set(name, port);
		this.events.emit('link', { port: name, state: 'plugged' });
		return port;
	}

	unplug(name: string) {
		const port = this.portsByName.get(name);
		if (!port) return;
		port.plugged = false;
		this.portsByName.delete(name);
		for (const [mac, entry] of this.macs) if (entry.port === port) this.macs.delete(mac);
		this.events.emit('link', { port: name, state: 'unplugged' });
	}

	/** Pull or put back a node's cable; throws for a name that is not plugged. */
	setLink(name: string, state: LinkState) {
		const port = this.portsByName.get(name);
		if (!port) throw new Error(`no port "${name}" on the switch (ports: ${[...this.portsByName.keys()].join(', ') || 'none'})`);
		if (port.link === state) return;
		// The MAC entries stay: frames for a node whose cable is out show up as dropped 'link-down', not as floods.
		port.link = state;
		this.events.emit('link', { port: name, state });
	}

	port(name: string): SwitchPort | undefined {
		return this.portsByName.get(name);
	}

	ports(): SwitchPort[] {
		return [...this.portsByName.values()];
	}

	/** The ports whose cable is pulled, by name: what the fault panel and the swarm map show as unplugged. */
	unpluggedPorts(): string[] {
		return this.ports().filter((port) => port.link === 'down').map((port) => port.name);
	}

	macTable(): MacEntry[] {
		const now = this.now();
		this.forgetAged(now);
		return [...this.macs].map(([mac, entry]) => ({ mac: macFromNumber(mac), port: entry.port.name, ageMs: now - entry.seen }));
	}

	on<Name extends keyof SwitchEvents>(name: Name, listener: (value: SwitchEvents[Name]) => void): () => void {
		return this.events.on(name, listener);
	}

	/** Unplugs every port and cancels delayed deliveries; safe to call twice. */
	dispose() {
		if (this.disposed) return;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		for (const name of [...this.portsByName.keys()]) this.unplug(name);
		this.disposed = true;
		this.events.clear();
	}

	private ingress(from: Port, sent: Uint8Array) {
		if (!from.plugged || this.disposed) {
			// A node's worker can still post a frame after its port is gone: nothing to switch it to.
			from.counters.dropped++;
			return;
		}
		const frame = sent.slice();
		from.counters.rxFrames++;
		from.counters.rxBytes += frame.length;
		const time = this.now();
		const record: CaptureRecord = { seq: this.seq++, time, ingress: from.name, egress: [], frame };
		const refuse = from.link === 'down' ? 'link-down' : frame.length < minFrameLength ? 'runt' : undefined;
		if (refuse) {
			from.counters.dropped++;
			return this.finish({ ...record, dropped: refuse }, []);
		}
		if (!isGroupMac(frame, srcMacOffset)) this.macs.set(macNumber(frame, srcMacOffset), { port: from, seen: time });
		const targets = this.targets(from, frame, time);
		if (typeof targets === 'string') return this.finish({ ...record, dropped: targets }, []);

		const facts: FrameFacts | undefined = this.faults.empty ? undefined : frameFacts(frame);
		const drops: PortDrop[] = [];
		const deliveries: [Port, number][] = [];
		for (const port of targets) {
			const verdict = port.link === 'down' ? { drop: 'link-down', delayMs: 0 } : facts ? this.faults.judge(facts, from.name, port.name) : undefined;
			if (verdict?.drop) {
				port.counters.dropped++;
				drops.push({ port: port.name, reason: verdict.drop });
			} else {
				record.egress.push(port.name);
				deliveries.push([port, verdict?.delayMs ?? 0]);
			}
		}
		if (drops.length) record.drops = drops;
		if (record.egress.length === 0) record.dropped = drops[0].reason;
		const delayMs = deliveries.reduce((slowest, [, delay]) => Math.max(slowest, delay), 0);
		if (delayMs > 0) record.delayMs = delayMs;
		this.finish(record, deliveries);
	}

	/** Its learned port, or every other port (flooding) when broadcast, multicast or unknown. */
	private targets(from: Port, frame: Uint8Array, now: number): Port[] | 'same-port' | 'no-egress' {
		if (!isGroupMac(frame, dstMacOffset)) {
			const mac = macNumber(frame, dstMacOffset);
			const entry = this.macs.get(mac);
			if (entry && now - entry.seen > this.macAgeingMs) this.macs.delete(mac);
			// Learned on the ingress port: the destination shares the sender's segment, so the frame stays there.
			else if (entry) return entry.port === from ? 'same-port' : [entry.port];
		}
		const others = [...this.portsByName.values()].filter((port) => port !== from);
		return others.length ? others : 'no-egress';
	}

	/** Record first, so a frame a port sends while handling this one is recorded after it. */
	private finish(record: CaptureRecord, deliveries: [Port, number][]) {
		this.capture?.push(record);
		this.events.emit('frame', record);
		let failure: unknown;
		for (const [port, delayMs] of deliveries) {
			if (delayMs === 0) {
				const error = this.deliver(port, record.frame);
				failure ??= error;
				continue;
			}
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				if (port.plugged && port.link === 'up') {
					const error = this.deliver(port, record.frame);
					if (error !== undefined) throw error;
					return;
				}
				// The cable was pulled while the frame was in flight: correct the record.
				port.counters.dropped++;
				record.egress = record.egress.filter((name) => name !== port.name);
				record.drops = [...(record.drops ?? []), { port: port.name, reason: port.plugged ? 'link-down' : 'unplugged' }];
				if (record.egress.length === 0) record.dropped = record.drops[0].reason;
			}, delayMs);
			this.timers.add(timer);
		}
		// One port's failing deliver must not starve the others: report it after everyone had the frame.
		if (failure !== undefined) throw failure;
	}

	private deliver(port: Port, frame: Uint8Array): unknown {
		port.counters.txFrames++;
		port.counters.txBytes += frame.length;
		try {
			port.deliver(frame);
		} catch (error) {
			return error ?? new Error(`deliver to "${port.name}" threw`);
		}
		return undefined;
	}

	private forgetAged(now: number) {
		for (const [mac, entry] of this.macs) if (now - entry.seen > this.macAgeingMs) this.macs.delete(mac);
	}
}
