// The inspector's list: every frame the capture ring keeps, then each new one from the switch, narrowed by the
// student's filter. New frames are added once per animation frame, not one by one: a busy overlay sends thousands a
// second, and the list must stay fluid.
import type { Cluster } from '$emulator/cluster/cluster.ts';
import type { CaptureRecord } from '$emulator/network/capture.ts';
import { parseFrameQuery, type FrameQuery } from '$emulator/network/frame-query.ts';

export class FrameList {
	text = $state('');
	hideGossip = $state(true);
	hideArp = $state(true);
	paused = $state(false);
	/** The frames the filter lets through, oldest first. */
	shown = $state.raw<CaptureRecord[]>([]);
	/** Frames kept (the capture ring's capacity at most). */
	total = $state(0);
	/** Frames that arrived while paused, added on resume. */
	waiting = $state(0);
	readonly query: FrameQuery = $derived.by(() => parseFrameQuery(this.text, { nodes: this.nodes, hideGossip: this.hideGossip, hideArp: this.hideArp }));

	private all: CaptureRecord[] = [];
	private pending: CaptureRecord[] = [];
	private scheduled = 0;

	constructor(
		private readonly cluster: Cluster,
		private readonly nodes: readonly string[],
	) {}

	/** Starts listening to the switch; returns what stops it. */
	listen(): () => void {
		this.all = this.cluster.capture.ring.records();
		this.refilter();
		const stop = this.cluster.switch.on('frame', (record) => {
			this.pending.push(record);
			if (this.paused) this.waiting = this.pending.length;
			else this.scheduled ||= requestAnimationFrame(() => this.flush());
		});
		return () => {
			stop();
			cancelAnimationFrame(this.scheduled);
		};
	}

	/** The filter or a toggle changed: the whole list again. */
	refilter() {
		const query = this.query;
		this.shown = 'match' in query ? this.all.filter(query.match) : this.all;
		this.total = this.all.length;
	}

	setPaused(paused: boolean) {
		this.paused = paused;
		if (!paused) this.flush();
	}

	private flush() {
		this.scheduled = 0;
		if (this.paused || !this.pending.length) return;
		const capacity = this.cluster.capture.ring.capacity;
		const added = this.pending;
		this.pending = [];
		this.waiting = 0;
		this.all.push(...added);
		const over = this.all.length - capacity;
		if (over > 0) this.all.splice(0, over);
		const query = this.query;
		const matching = 'match' in query ? added.filter(query.match) : added;
		let shown = matching.length ? [...this.shown, ...matching] : this.shown;
		if (over > 0) shown = shown.filter((record) => record.seq >= this.all[0].seq);
		this.shown = shown;
		this.total = this.all.length;
	}
}
