// A bounded ring of the frames that entered the switch, oldest forgotten first; frames are decoded only when asked.
import { decodeFrame, type DecodedFrame } from './packet/decode.ts';

/** A copy the switch did not hand to a port, and why: 'link-down', 'fault:drop udp/4789', … */
export interface PortDrop {
	port: string;
	reason: string;
}

export interface CaptureRecord {
	/** Per switch, increasing from 0: tells frames apart when their times are equal. */
	seq: number;
	/** Milliseconds on the switch clock (Date.now() unless injected) when the frame entered. */
	time: number;
	/** The port (node) that sent the frame. */
	ingress: string;
	/** Ports the frame was delivered to; empty when it went nowhere. */
	egress: string[];
	/** Why the frame reached no port at all; absent when at least one port got it. */
	dropped?: string;
	/** Ports that should have had a copy and did not, e.g. the far end of a faulty link. */
	drops?: PortDrop[];
	/** Added latency of the slowest delivery, when a latency fault applied. */
	delayMs?: number;
	/** The switch's own copy of the bytes: senders may reuse their buffers. */
	frame: Uint8Array;
}

export interface CaptureOptions {
	/** How many records to keep; older ones are overwritten. */
	capacity: number;
}

export class CaptureRing {
	readonly capacity: number;
	private readonly slots: (CaptureRecord | undefined)[];
	private next = 0;
	private count = 0;
	private seen = 0;
	private lostTime = -Infinity;

	constructor({ capacity }: CaptureOptions) {
		if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capture capacity must be a positive integer, got ${capacity}`);
		this.capacity = capacity;
		this.slots = new Array(capacity);
	}

	/** Takes ownership of the record and its frame bytes (the switch already copied them). */
	push(record: CaptureRecord) {
		const overwritten = this.slots[this.next];
		if (overwritten) this.lostTime = Math.max(this.lostTime, overwritten.time);
		this.slots[this.next] = record;
		this.next = (this.next + 1) % this.capacity;
		this.count = Math.min(this.count + 1, this.capacity);
		this.seen++;
	}

	/** Records kept, oldest first; with sinceMs, only those at or after that time. */
	records(sinceMs?: number): CaptureRecord[] {
		const out: CaptureRecord[] = [];
		const start = (this.next - this.count + this.capacity) % this.capacity;
		for (let i = 0; i < this.count; i++) {
			const record = this.slots[(start + i) % this.capacity]!;
			if (sinceMs === undefined || record.time >= sinceMs) out.push(record);
		}
		return out;
	}

	/** Forget the kept records; `total` keeps counting, so a view can tell how many it missed. */
	clear() {
		for (const record of this.records()) this.lostTime = Math.max(this.lostTime, record.time);
		this.slots.fill(undefined);
		this.next = 0;
		this.count = 0;
	}

	get size(): number {
		return this.count;
	}

	/** The time of the newest record overwritten or cleared: a window that starts later has every frame. */
	get lostUpTo(): number {
		return this.lostTime;
	}

	/** Records ever pushed, including those overwritten or cleared. */
	get total(): number {
		return this.seen;
	}
}

const decoded = new WeakMap<CaptureRecord, DecodedFrame>();

/** The record's frame decoded, once: the switch's hot path never decodes, queries and views do. */
export function decodeRecord(record: CaptureRecord): DecodedFrame {
	let frame = decoded.get(record);
	if (!frame) decoded.set(record, (frame = decodeFrame(record.frame)));
	return frame;
}
