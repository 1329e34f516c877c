// Faults the switch applies on purpose: a blocked port, a small underlay MTU, latency, loss — optionally on one link.
import { decodeEthernet, etherTypes } from './packet/ethernet.ts';
import { decodeIpv4, ipProtocols } from './packet/ipv4.ts';
import { Events } from './events.ts';

/** Two port names; a rule with `between` only touches frames going from one to the other, either way. */
export type PortPair = readonly [string, string];

export type FaultRule =
	/** Drop the protocol, or for udp/tcp only the given port (source or destination) on the outer header. */
	| { kind: 'drop'; proto: 'udp' | 'tcp' | 'esp' | 'icmp' | 'arp'; port?: number; between?: PortPair }
	/** Drop (never fragment) IPv4 packets whose total length exceeds the MTU, like a small underlay link. */
	| { kind: 'mtu'; mtu: number; between?: PortPair }
	| { kind: 'latency'; ms: number; between?: PortPair }
	/** Drop each copy with probability `ratio`; `random` makes the dice deterministic in tests. */
	| { kind: 'loss'; ratio: number; between?: PortPair; random?: () => number };

export interface ActiveFault {
	id: number;
	rule: FaultRule;
}

/** What happens to one copy of a frame on its way from the ingress port to one egress port. */
export interface FaultVerdict {
	drop?: string;
	delayMs: number;
}

/** The few outer-header facts rules look at, read once per frame. */
export interface FrameFacts {
	etherType?: number;
	ipProto?: number;
	ipTotalLength?: number;
	srcPort?: number;
	dstPort?: number;
}

const pass: FaultVerdict = { delayMs: 0 };
const protoNumbers = { udp: ipProtocols.udp, tcp: ipProtocols.tcp, esp: ipProtocols.esp, icmp: ipProtocols.icmp } as const;

export function frameFacts(frame: Uint8Array): FrameFacts {
	const eth = decodeEthernet(frame);
	if (!eth.header) return {};
	if (eth.header.type !== etherTypes.ipv4) return { etherType: eth.header.type };
	const ip = decodeIpv4(eth.payload);
	if (!ip.header) return { etherType: eth.header.type };
	const facts: FrameFacts = { etherType: eth.header.type, ipProto: ip.header.proto, ipTotalLength: ip.header.totalLength };
	const hasPorts = ip.header.proto === ipProtocols.udp || ip.header.proto === ipProtocols.tcp;
	// Ports sit in the first 4 bytes of both UDP and TCP, and only the first fragment has them.
	if (hasPorts && ip.header.fragmentOffset === 0 && ip.payload.length >= 4) {
		facts.srcPort = (ip.payload[0] << 8) | ip.payload[1];
		facts.dstPort = (ip.payload[2] << 8) | ip.payload[3];
	}
	return facts;
}

export class FaultSet {
	private readonly rules = new Map<number, FaultRule>();
	private readonly events = new Events<{ change: ActiveFault[] }>();
	private nextId = 1;

	/** `portNames`, when given (the switch's), are the names a rule's `between` may use. */
	constructor(private readonly portNames?: () => readonly string[]) {}

	add(rule: FaultRule): number {
		validate(rule);
		const names = this.portNames?.();
		const unknown = names && rule.between?.find((name) => !names.includes(name));
		if (unknown) throw new Error(`fault ${JSON.stringify({ ...rule, random: undefined })}: no port "${unknown}" on the switch (ports: ${names.join(', ') || 'none'})`);
		const id = this.nextId++;
		// A copy: editing the object afterwards must not change a fault that is already in force.
		this.rules.set(id, Object.freeze({ ...rule }));
		this.changed();
		return id;
	}

	/** false when no rule had that id. */
	remove(id: number): boolean {
		const removed = this.rules.delete(id);
		if (removed) this.changed();
		return removed;
	}

	clear() {
		if (this.rules.size === 0) return;
		this.rules.clear();
		this.changed();
	}

	/** Every change of the rules in force, e.g. for the fault panel to list them. */
	onChange(listener: (faults: ActiveFault[]) => void): () => void {
		return this.events.on('change', listener);
	}

	private changed() {
		this.events.emit('change', this.list());
	}

	list(): ActiveFault[] {
		return [...this.rules].map(([id, rule]) => ({ id, rule }));
	}

	get empty(): boolean {
		return this.rules.size === 0;
	}

	/** The first dropping rule that matches wins; latencies of all matching rules add up. */
	judge(facts: FrameFacts, ingress: string, egress: string): FaultVerdict {
		if (this.rules.size === 0) return pass;
		let delayMs = 0;
		for (const rule of this.rules.values()) {
			if (rule.between && !connects(rule.between, ingress, egress)) continue;
			const drop = dropReason(rule, facts);
			if (drop) return { drop, delayMs: 0 };
			if (rule.kind === 'latency') delayMs += rule.ms;
		}
		return delayMs ? { delayMs } : pass;
	}
}

function connects([a, b]: PortPair, ingress: string, egress: string): boolean {
	return (ingress === a && egress === b) || (ingress === b && egress === a);
}

function dropReason(rule: FaultRule, facts: FrameFacts): string | undefined {
	switch (rule.kind) {
		case 'drop': {
			if (rule.proto === 'arp') return facts.etherType === etherTypes.arp ? 'fault:drop arp' : undefined;
			if (facts.ipProto !== protoNumbers[rule.proto]) return undefined;
			if (rule.port === undefined) return `fault:drop ${rule.proto}`;
			return facts.srcPort === rule.port || facts.dstPort === rule.port ? `fault:drop ${rule.proto}/${rule.port}` : undefined;
		}
		case 'mtu':
			return facts.ipTotalLength !== undefined && facts.ipTotalLength > rule.mtu ? `fault:mtu ${rule.mtu}` : undefined;
		case 'loss':
			return (rule.random ?? Math.random)() < rule.ratio ? `fault:loss ${rule.ratio}` : undefined;
		case 'latency':
			return undefined;
	}
}

function validate(rule: FaultRule) {
	const fail = (message: string) => {
		throw new Error(`fault ${JSON.stringify({ ...rule, random: undefined })}: ${message}`);
	};
	if (rule.between && (rule.between.length !== 2 || rule.between[0] === rule.between[1])) fail('between needs two different ports');
	switch (rule.kind) {
		case 'drop':
			if (!['udp', 'tcp', 'esp', 'icmp', 'arp'].includes(rule.proto)) fail(`unknown protocol "${rule.proto}"`);
			if (rule.port !== undefined && rule.proto !== 'udp' && rule.proto !== 'tcp') fail('only udp and tcp have ports');
			if (rule.port !== undefined && !(Number.isInteger(rule.port) && rule.port >= 0 && rule.port <= 0xffff)) fail('port must be 0..65535');
			return;
		case 'mtu':
			// 68 is the smallest MTU IPv4 allows (RFC 791).
			if (!(Number.isInteger(rule.mtu) && rule.mtu >= 68)) fail('mtu must be an integer of at least 68');
			return;
		case 'latency':
			if (!(Number.isFinite(rule.ms) && rule.ms >= 0)) fail('ms must be a finite number of at least 0');
			return;
		case 'loss':
			if (!(rule.ratio >= 0 && rule.ratio <= 1)) fail('ratio must be between 0 and 1');
			return;
		default:
			fail(`unknown kind "${(rule as { kind: string }).kind}"`);
	}
}
