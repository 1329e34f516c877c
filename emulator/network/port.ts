// One switch port: a node's cable end, with its link state, its counters and the function that hands it frames.

export type LinkState = 'up' | 'down';
export type Deliver = (frame: Uint8Array) => void;

/** Seen from the switch: rx = frames the node sent in, tx = frames handed to the node. */
export interface PortCounters {
	rxFrames: number;
	rxBytes: number;
	txFrames: number;
	txBytes: number;
	/** Frames this port sent that were thrown away, plus copies meant for it that it did not get. */
	dropped: number;
}

export interface SwitchPort {
	readonly name: string;
	/** 'down' is a pulled cable: the port keeps its place and deliver function, but nothing crosses it. */
	readonly link: LinkState;
	readonly plugged: boolean;
	readonly counters: Readonly<PortCounters>;
	/** A frame from the node into the switch. */
	send(frame: Uint8Array): void;
	setLink(state: LinkState): void;
	/** Leave the switch for good (idempotent); plug() the name again to come back. */
	unplug(): void;
}

/** What a port asks of the switch it is plugged into. */
export interface PortOwner {
	ingress(port: Port, frame: Uint8Array): void;
	setLink(state: LinkState): void;
	unplug(): void;
}

/** The switch's side of a port; the switch alone changes its link and plugged state. */
export class Port implements SwitchPort {
	link: LinkState = 'up';
	plugged = true;
	readonly counters: PortCounters = { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, dropped: 0 };

	constructor(
		readonly name: string,
		readonly deliver: Deliver,
		private readonly owner: PortOwner,
	) {}

	send(frame: Uint8Array) {
		this.owner.ingress(this, frame);
	}

	setLink(state: LinkState) {
		// The name may already belong to a newer port: an old handle must not pull its cable.
		if (!this.plugged) throw new Error(`port "${this.name}" is unplugged; plug it again to change its link`);
		this.owner.setLink(state);
	}

	unplug() {
		if (this.plugged) this.owner.unplug();
	}
}
