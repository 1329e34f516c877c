// Grading without the Check button: which checkpoints a finished command may have made true, and one queue that
// evaluates them so that automatic grading never piles work onto the guests.
import type { CaptureCheckpoint, CaptureFilter, Checkpoint, Segment } from './types.ts';

/** Checkpoint ids grouped by the chapter's sections (`##` headings), in the prose's order. */
export function checkpointParts(segments: Segment[]): string[][] {
	const parts: string[][] = [[]];
	for (const segment of segments) {
		if (segment.kind === 'html' && /<h2[\s>]/.test(segment.html) && parts.at(-1)!.length > 0) parts.push([]);
		if (segment.kind === 'checkpoint') parts.at(-1)!.push(segment.id);
	}
	return parts.filter((part) => part.length > 0);
}

/**
 * The part of the chapter the student is in: the first section with a checkpoint not passed yet. Its pending
 * exec and capture checkpoints are what a command may have just made true; questions wait for an answer.
 */
export function pendingInCurrentPart(parts: string[][], checkpoints: Checkpoint[], passed: (id: string) => boolean): Checkpoint[] {
	const byId = new Map(checkpoints.map((checkpoint) => [checkpoint.id, checkpoint]));
	for (const part of parts) {
		const pending = part
			.map((id) => byId.get(id))
			.filter((checkpoint): checkpoint is Checkpoint => checkpoint !== undefined && checkpoint.kind !== 'question' && !passed(checkpoint.id));
		if (pending.length > 0) return pending;
	}
	return [];
}

/**
 * What to count on the wire to know that a capture checkpoint may pass now: its filter without a VNI that must be
 * read from a node (counting costs the host a little; reading a VNI costs the guest a `docker` command).
 */
export function wireHint(checkpoint: CaptureCheckpoint): CaptureFilter {
	const { vni, ...rest } = checkpoint.filter;
	return typeof vni === 'number' ? { ...rest, vni } : rest;
}

/** A grading round: every candidate, or only the capture checkpoints (frames arrived, no command ended). */
export type RoundScope = 'all' | 'captures';

/**
 * Runs grading rounds one at a time: a request that arrives while a round runs is served by one more round after
 * it, however many arrive. So at most one automatic evaluation is in flight, on any node.
 */
export class GradingQueue {
	private running: Promise<void> | undefined;
	private next: RoundScope | undefined;

	constructor(private readonly round: (scope: RoundScope) => Promise<void>) {}

	request(scope: RoundScope = 'all') {
		this.next = this.next === 'all' ? 'all' : scope;
		this.running ??= this.drain();
	}

	/** Resolves when no round is running or waiting (tests). */
	async idle() {
		while (this.running) await this.running;
	}

	private async drain() {
		try {
			while (this.next) {
				const scope = this.next;
				this.next = undefined;
				await this.round(scope).catch(() => {});
			}
		} finally {
			this.running = undefined;
		}
	}
}
