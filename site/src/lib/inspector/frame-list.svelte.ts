// The inspector's list: every frame the capture ring keeps, then each new one from the switch, narrowed by the
// student's filter. New frames are added once per animation frame, not one by one: a busy overlay sends thousands a
// second, and the list must stay fluid. The lists grow and shrink in place: a fresh 20,000-entry array per batch was
// megabytes of garbage a second, and the major collections it caused were the inspector's longest pauses.
import type { Cluster } from '$emulator/cluster/cluster.ts';
import type { CaptureRecord } from '$emulator/network/capture.ts';
import { parseFrameQuery, type FrameQuery } from '$emulator/network/frame-query.ts';

export class FrameList {
	text = $state('');
	hideGossip = $state(true);
	hideArp = $state(true);
	paused = $state(false);
	/** Bumped at each change of the shown frames: what views of `shown` depend on. */
	private version = $state(0);
	private shownRecords: CaptureRecord[] = [];
	/** Frames kept (the capture ring's capacity at most). */
	total = $state(0);
	/** Frames that arrived while paused, added on resume. */
	waiting = $state(0);
	readonly query: FrameQuery = $derived.by(() => parseFrameQuery(this.text, { nodes: this.nodes, hideGossip: this.hideGossip, hideArp: this.hideArp }));

	private all: CaptureRecord[] = [];
	private pending: CaptureRecord[] = [];
	private scheduled = 0;

	/** The frames the filter lets through, oldest first (read-only: the list changes it in place). */
	get shown(): readonly CaptureRecord[] {
		void this.version;
		return this.shownRecords;
	}

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
		this.shownRecords = 'match' in query ? this.all.filter(query.match) : [...this.all];
		this.total = this.all.length;
		this.version++;
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
		for (const record of added) this.all.push(record);
		const over = this.all.length - capacity;
		if (over > 0) this.all.splice(0, over);
		const query = this.query;
		for (const record of added) if (!('match' in query) || query.match(record)) this.shownRecords.push(record);
		// Both lists are in arrival order: the frames the ring forgot are at the front.
		if (over > 0) {
			const oldest = this.all[0].seq;
			let forgotten = 0;
			while (forgotten < this.shownRecords.length && this.shownRecords[forgotten].seq < oldest) forgotten++;
			if (forgotten) this.shownRecords.splice(0, forgotten);
		}
		this.version++;
		this.total = this.all.length;
	}
}
