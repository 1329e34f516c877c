// The open chapter on the running machines: bringing them to its start state, then grading its checkpoints (kept across languages).
import { checkpointParts, GradingQueue, pendingInCurrentPart, wireHint, type RoundScope } from '$labs/auto-grading.ts';
import { clusterFault, graderContext, stepEnv, type LabCluster } from '$labs/cluster-context.ts';
import { evaluateCheckpoint, windowStart, type GraderContext, type VerdictStatus } from '$labs/grader.ts';
import type { Message } from '$labs/messages.ts';
import { runStep } from '$labs/steps.ts';
import type { Checkpoint } from '$labs/types.ts';
import type { LabChapter } from '$lib/chapter-views.ts';
import { imageUrl, machines, sameNodes, type MachinesOwner } from '$lib/machines/machines.svelte.ts';
import { pointId, savedPoints } from '$lib/machines/saved-points.svelte.ts';
import type { Cluster } from '$lib/machines/runtime.ts';
import { progress } from '$lib/progress.svelte.ts';

export type Preparation =
	| { state: 'waiting' }
	| { state: 'other-nodes' }
	| { state: 'choice'; previous: MachinesOwner }
	/** Machines not started yet, and a resume point of this chapter kept in this browser: resume it, or start over. */
	| { state: 'resume-offer'; takenAt: number }
	| { state: 'resetting' }
	/** Every machine going back to a checkpoint's saved point. */
	| { state: 'rewinding' }
	| { state: 'running'; step: number; total: number }
	/** Skip ahead: the chapter's start, its setup, then its solution up to a checkpoint. */
	| { state: 'skipping'; checkpoint: string; step: number; total: number }
	| { state: 'failed'; reason: string }
	| { state: 'ready' };

/** Why a check said what it said: the grader's message, or the page's own reason for not asking it. */
export type CheckText =
	| { kind: 'grader'; message: Message }
	| { kind: 'page'; key: 'checkpoint.noMachines' | 'checkpoint.notPrepared' }
	| { kind: 'error'; reason: string };

export type CheckState = { status: 'checking' } | { status: VerdictStatus; text: CheckText; at: string };

// The cluster type the grader helpers expect is structural: the emulator's Cluster has that shape.
const asLabCluster = (cluster: Cluster): LabCluster => cluster;

/** How often the wire is looked at for frames that may pass a capture checkpoint (host-side counting only). */
const wirePollMs = 2000;

/** While the student works, the machines are saved for a later visit at most this often (each save pauses them seconds). */
const resumeSaveEveryMs = 3 * 60_000;

class LabSession {
	chapter = $state.raw<LabChapter | undefined>(undefined);
	preparation = $state.raw<Preparation>({ state: 'waiting' });
	checks = $state<Record<string, CheckState>>({});
	private grader: GraderContext | undefined;
	private preparedOn: Cluster | undefined;
	private stopAutomaticGrading: () => void = () => {};
	/** Commands ended since the machines were last saved for a later visit. */
	private unsaved = false;

	/** The lab page opens its chapter; the same chapter in another language keeps the machines' state and the results. */
	open(chapter: LabChapter) {
		const same = this.chapter?.id === chapter.id;
		this.chapter = chapter;
		if (same) return;
		progress.visit(chapter.id);
		this.checks = {};
		this.setGrader(undefined);
		this.preparedOn = undefined;
		this.preparation = { state: 'waiting' };
	}

	/** Decides what the machines need for this chapter; the page calls it (untracked) whenever they change. */
	sync() {
		const chapter = this.chapter;
		const cluster = machines.cluster;
		if (!chapter) return;
		if (this.preparation.state === 'resume-offer' && machines.phase === 'idle') return;
		if (!sameNodes(chapter.nodes, machines.specs) && machines.phase !== 'idle') {
			this.preparation = { state: 'other-nodes' };
			return;
		}
		if (machines.phase !== 'running' || !cluster) {
			this.preparedOn = undefined;
			this.setGrader(undefined);
			this.preparation = { state: 'waiting' };
			return;
		}
		if (this.preparedOn === cluster) return;
		const owner = machines.owner;
		// Machines nobody used yet: restored in this chapter's start state, or reset to it.
		if (owner === null) void this.prepare(machines.startState !== chapter.start);
		else if (owner.kind === 'chapter' && owner.id === chapter.id) this.keep();
		else this.preparation = { state: 'choice', previous: owner };
	}

	/** Brings the machines to the chapter's start state: every node restored to it first when `reset`, then the chapter's setup. */
	prepare(reset: boolean) {
		return this.bringMachines(reset);
	}

	/**
	 * Skip ahead: every node back to the chapter's start, its setup, then its solution (the steps lab:verify runs) up to
	 * this checkpoint. The checkpoints crossed that were never passed are marked skipped, not passed.
	 */
	skipTo(checkpointId: string) {
		return this.bringMachines(true, checkpointId);
	}

	private async bringMachines(reset: boolean, skipTo?: string) {
		const chapter = this.chapter;
		const cluster = machines.cluster;
		if (!chapter || !cluster) return;
		const end = skipTo === undefined ? -1 : chapter.solution.findIndex((item) => 'check' in item && item.check === skipTo);
		if (skipTo !== undefined && end < 0) return;
		this.preparedOn = cluster;
		this.setGrader(undefined);
		machines.owner = { kind: 'chapter', id: chapter.id };
		const stale = () => this.chapter?.id !== chapter.id || machines.cluster !== cluster;
		try {
			if (reset) {
				this.preparation = { state: 'resetting' };
				await machines.restoreAll(chapter.start);
			}
			const steps = [...chapter.setup, ...chapter.solution.slice(0, end + 1)];
			const env = stepEnv(asLabCluster(cluster));
			// A chapter starts on a wire that works, whatever faults the student set before; its setup may add its own.
			clusterFault(asLabCluster(cluster))({ kind: 'heal' });
			const outputs = new Map<string, string>();
			for (const [index, step] of steps.entries()) {
				if (stale()) return;
				const at = { step: index + 1, total: steps.length };
				this.preparation = skipTo === undefined ? { state: 'running', ...at } : { state: 'skipping', checkpoint: skipTo, ...at };
				if ('check' in step) progress.skip(chapter.id, step.check);
				else await runStep(step, env, outputs);
			}
			if (stale()) return;
			// What the cards showed was graded on the machines before the skip.
			if (skipTo !== undefined) this.checks = {};
			this.setGrader(graderContext(asLabCluster(cluster), cluster.now()), cluster);
			this.preparation = { state: 'ready' };
		} catch (error) {
			if (!stale()) this.preparation = { state: 'failed', reason: (error as Error).message };
		}
	}

	/**
	 * The page wants its machines. Machines already running (another chapter of this tab) are left to `sync`; idle
	 * ones start in the chapter's start state, unless this browser kept where the student left this chapter, on
	 * this image build: then the student is asked first.
	 */
	async startMachines() {
		const chapter = this.chapter;
		if (!chapter) return;
		if (machines.phase === 'idle' && (await this.resumable(chapter.id)) && this.chapter?.id === chapter.id && machines.phase === 'idle') {
			this.preparation = { state: 'resume-offer', takenAt: savedPoints.find(pointId(chapter.id, 'resume'))!.takenAt };
			return;
		}
		void machines.ensure(chapter.nodes, chapter.start);
	}

	/** Whether a resume point of this chapter is kept for the image build the site serves now (others are dropped). */
	private async resumable(chapterId: string): Promise<boolean> {
		await savedPoints.refresh();
		if (!savedPoints.find(pointId(chapterId, 'resume'))) return false;
		try {
			const { fetchManifest } = await import('./machines/browser-files.ts');
			await savedPoints.discardOtherBuilds((await fetchManifest(imageUrl())).buildKey);
		} catch {
			return false; // starting the machines tells what is wrong with the image
		}
		return savedPoints.find(pointId(chapterId, 'resume')) !== undefined;
	}

	/** The student's answer to the resume offer: the machines as they were left, or the chapter's start. */
	async resume(yes: boolean) {
		const chapter = this.chapter;
		if (!chapter || this.preparation.state !== 'resume-offer') return;
		this.preparation = { state: 'waiting' };
		const { fetchManifest } = await import('./machines/browser-files.ts');
		const snapshot = yes ? await fetchManifest(imageUrl()).then((manifest) => savedPoints.read(pointId(chapter.id, 'resume'), manifest.buildKey), () => undefined) : undefined;
		if (this.chapter?.id !== chapter.id || machines.phase !== 'idle') return;
		if (!snapshot) {
			if (yes) savedPoints.notice = { kind: 'lost' };
			void machines.ensure(chapter.nodes, chapter.start);
			return;
		}
		void machines.start(chapter.nodes, snapshot);
		// Resumed machines are this chapter's as they were: no setup runs (sync keeps them).
		machines.owner = { kind: 'chapter', id: chapter.id };
	}

	/** Every machine back to the moment a passed checkpoint's point was taken; progress stays as it is. */
	async rewind(checkpointId: string) {
		const chapter = this.chapter;
		const cluster = machines.cluster;
		const buildKey = machines.buildKey;
		if (!chapter || !cluster || !buildKey) return;
		const snapshot = await savedPoints.read(pointId(chapter.id, 'checkpoint', checkpointId), buildKey);
		if (this.chapter?.id !== chapter.id || machines.cluster !== cluster) return;
		if (!snapshot) {
			savedPoints.notice = { kind: 'lost' };
			return;
		}
		this.setGrader(undefined);
		this.preparation = { state: 'rewinding' };
		try {
			await machines.restoreAll(snapshot);
			if (this.chapter?.id === chapter.id && machines.cluster === cluster) this.keep();
		} catch (error) {
			if (this.chapter?.id === chapter.id) this.preparation = { state: 'failed', reason: (error as Error).message };
		}
	}

	/** Saves the machines for a later visit if a command ended since the last save (the tab is being hidden or closed). */
	saveForLater() {
		const chapter = this.chapter;
		if (!chapter || !this.unsaved || this.preparation.state !== 'ready' || machines.owner?.kind !== 'chapter' || machines.owner.id !== chapter.id) return;
		this.unsaved = false;
		void savedPoints.take(chapter.id, 'resume');
	}

	/** Takes the machines as they are; the chapter's clock starts now. */
	keep() {
		const chapter = this.chapter;
		const cluster = machines.cluster;
		if (!chapter || !cluster) return;
		machines.owner = { kind: 'chapter', id: chapter.id };
		this.preparedOn = cluster;
		this.setGrader(graderContext(asLabCluster(cluster), cluster.now()), cluster);
		this.preparation = { state: 'ready' };
	}

	/**
	 * Grades a checkpoint. `automatic`: asked by a command that ended, not by the student: nothing is shown while it
	 * runs, and only a pass is kept (a step not done yet is not a failure to report).
	 */
	async check(checkpoint: Checkpoint, answer?: string, automatic = false) {
		const chapter = this.chapter;
		const cluster = machines.cluster;
		const id = checkpoint.id;
		if (!chapter || this.checks[id]?.status === 'checking') return;
		if (automatic && (this.checks[id]?.status === 'passed' || !this.grader || !cluster)) return;
		const at = () => new Date().toISOString();
		if (machines.phase !== 'running' || !cluster) {
			this.checks[id] = { status: 'unavailable', text: { kind: 'page', key: 'checkpoint.noMachines' }, at: at() };
			return;
		}
		const grader = this.grader;
		if (!grader || this.preparation.state !== 'ready') {
			this.checks[id] = { status: 'unavailable', text: { kind: 'page', key: 'checkpoint.notPrepared' }, at: at() };
			return;
		}
		if (!automatic) this.checks[id] = { status: 'checking' };
		let result: CheckState;
		try {
			const verdict = await evaluateCheckpoint(checkpoint, grader, answer);
			result = { status: verdict.status, text: { kind: 'grader', message: verdict.detail }, at: at() };
		} catch (error) {
			// The grader turns machine failures into verdicts; reaching here is a bug, still never a pass.
			result = { status: 'unavailable', text: { kind: 'error', reason: (error as Error).message }, at: at() };
		}
		if (this.chapter?.id !== chapter.id) return;
		if (automatic && (result.status !== 'passed' || this.checks[id]?.status === 'checking')) return;
		if (result.status === 'passed' && machines.cluster === cluster) grader.stepStartedAt = cluster.now();
		this.checks[id] = result;
		progress.record(chapter.id, id, result.status, chapter.checkpoints.map((cp) => cp.id));
		// The machines right after the checkpoint first passed, so the student can come back to that point later (a
		// checkpoint graded again after a resume or a rewind must not move its point to a later moment).
		const kept = savedPoints.find(pointId(chapter.id, 'checkpoint', id));
		if (result.status === 'passed' && kept?.buildKey !== machines.buildKey && machines.cluster === cluster) void savedPoints.take(chapter.id, 'checkpoint', id);
	}

	/** The grader of a prepared chapter, and with it automatic grading on that cluster; `undefined` stops both. */
	private setGrader(grader: GraderContext | undefined, cluster?: Cluster) {
		this.stopAutomaticGrading();
		this.stopAutomaticGrading = () => {};
		this.grader = grader;
		const chapter = this.chapter;
		if (!grader || !cluster || !chapter) return;
		const stopGrading = this.gradeAutomatically(chapter, cluster, grader);
		const stopSaving = this.saveWhileWorking(chapter, cluster);
		this.stopAutomaticGrading = () => {
			stopGrading();
			stopSaving();
		};
	}

	/** While the student works in a ready chapter, the machines are saved for a later visit every few minutes. */
	private saveWhileWorking(chapter: LabChapter, cluster: Cluster): () => void {
		this.unsaved = false;
		const unsubscribers = cluster.nodeNames.map((name) => cluster.node(name).console.onCommandEnd(() => (this.unsaved = true)));
		const timer = setInterval(() => this.chapter?.id === chapter.id && this.saveForLater(), resumeSaveEveryMs);
		return () => {
			clearInterval(timer);
			for (const unsubscribe of unsubscribers) unsubscribe();
		};
	}

	/**
	 * When a command ends at any node's prompt (typed, or by a run button), the pending checkpoints of the part of the
	 * chapter the student is in are graded, one at a time; capture checkpoints also when frames they count arrive.
	 */
	private gradeAutomatically(chapter: LabChapter, cluster: Cluster, grader: GraderContext): () => void {
		const parts = checkpointParts(chapter.text.segments);
		const candidates = () => pendingInCurrentPart(parts, chapter.checkpoints, (id) => this.checks[id]?.status === 'passed');
		const queue = new GradingQueue(async (scope: RoundScope) => {
			for (const checkpoint of candidates()) {
				if (scope === 'captures' && checkpoint.kind !== 'capture') continue;
				if (this.grader !== grader) return;
				await this.check(checkpoint, undefined, true);
			}
		});
		const unsubscribers = cluster.nodeNames.map((name) => cluster.node(name).console.onCommandEnd(() => queue.request('all')));
		const framesSeen = new Map<string, number>();
		const wireWatch = setInterval(() => {
			for (const checkpoint of candidates()) {
				if (checkpoint.kind !== 'capture' || checkpoint.none) continue;
				const count = cluster.capture.count({ ...wireHint(checkpoint), since: windowStart(checkpoint, grader) });
				if (count > (framesSeen.get(checkpoint.id) ?? 0)) queue.request('captures');
				framesSeen.set(checkpoint.id, count);
			}
		}, wirePollMs);
		return () => {
			clearInterval(wireWatch);
			for (const unsubscribe of unsubscribers) unsubscribe();
		};
	}
}

export const labSession = new LabSession();
