// Keeps a survey of every node's engine up to date for the swarm map, at a cost the guests barely feel: each node's
// engine is asked to report its next change (a blocked curl, no CPU), and only a change starts a new survey of all
// nodes — one node's event can change what the others show (a manager sees a worker go down; a service starts tasks
// everywhere).
import type { ExecResult } from '../node/agent-client.ts';
import { Events } from '../network/events.ts';
import { parseSurvey, surveyScript, waitForChangeScript, type NodeSurvey } from './node-survey.ts';

/** The part of a node the watch uses. */
export interface WatchedNode {
	exec(command: string, options?: { timeoutMs?: number }): Promise<ExecResult>;
}

export interface SwarmWatchOptions {
	/** A change usually comes with others (a service's tasks start one after the other): wait this long, then survey. */
	settleMs?: number;
	/** How long one wait for events lasts in the guest before it is renewed. */
	waitSeconds?: number;
	/** After a node failed to answer (restarting, reset), try again this much later. */
	retryMs?: number;
}

/** A node that could not be asked: stopped, resetting, or its agent did not answer. */
export interface NodeUnreachable {
	node: string;
	unreachable: string;
}

export type NodeReport = NodeSurvey | NodeUnreachable;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface WatchEvents {
	report: NodeReport;
	/** A survey round ended: every node has been reported once more. */
	round: { ms: number };
}

export class SwarmWatch {
	private readonly events = new Events<WatchEvents>();
	private readonly since = new Map<string, string>();
	private readonly settleMs: number;
	private readonly waitSeconds: number;
	private readonly retryMs: number;
	private stopped = true;
	private surveying: Promise<void> | undefined;
	private again = false;
	private settleTimer: ReturnType<typeof setTimeout> | undefined;
	private settled: Promise<void> | undefined;

	constructor(
		private readonly nodes: () => ReadonlyMap<string, WatchedNode>,
		options: SwarmWatchOptions = {},
	) {
		this.settleMs = options.settleMs ?? 1500;
		this.waitSeconds = options.waitSeconds ?? 60;
		this.retryMs = options.retryMs ?? 5000;
	}

	on<Name extends keyof WatchEvents>(name: Name, listener: (value: WatchEvents[Name]) => void): () => void {
		return this.events.on(name, listener);
	}

	/** A first survey of every node, then one after each change an engine reports. */
	start() {
		if (!this.stopped) return;
		this.stopped = false;
		void this.refresh().then(() => {
			for (const name of this.nodes().keys()) void this.waitForChanges(name);
		});
	}

	/** Stops asking; waits already running in the guests end on their own within `waitSeconds`. */
	stop() {
		this.stopped = true;
		clearTimeout(this.settleTimer);
		this.events.clear();
	}

	/** Surveys every node now (a round already under way is followed by one more). */
	refresh(): Promise<void> {
		if (this.surveying) {
			this.again = true;
			return this.surveying;
		}
		this.surveying = this.round().finally(() => {
			this.surveying = undefined;
			if (this.again && !this.stopped) {
				this.again = false;
				void this.refresh();
			}
		});
		return this.surveying;
	}

	private async round() {
		const started = performance.now();
		await Promise.all([...this.nodes()].map(([name, node]) => this.survey(name, node)));
		if (!this.stopped) this.events.emit('round', { ms: Math.round(performance.now() - started) });
	}

	private async survey(name: string, node: WatchedNode) {
		let report: NodeReport;
		try {
			const { survey, since } = parseSurvey(name, await node.exec(surveyScript, { timeoutMs: 20_000 }));
			if (since) this.since.set(name, since);
			report = survey;
		} catch (error) {
			report = { node: name, unreachable: (error as Error).message };
		}
		if (!this.stopped) this.events.emit('report', report);
	}

	/** One node's loop: wait in its guest for an engine event, then ask for a survey of all once things settle. */
	private async waitForChanges(name: string) {
		while (!this.stopped) {
			const node = this.nodes().get(name);
			if (!node) return;
			const started = performance.now();
			let changed: boolean;
			try {
				const result = await node.exec(waitForChangeScript(this.since.get(name), this.waitSeconds), { timeoutMs: (this.waitSeconds + 15) * 1000 });
				const event = result.stdout.trim().startsWith('{');
				// A wait that ends early with no event: the engine does not answer (stopped by the student?). Look again later.
				const endedEarly = !event && performance.now() - started < (this.waitSeconds * 1000) / 2;
				if (endedEarly) await sleep(this.retryMs);
				changed = event || endedEarly;
			} catch {
				// Reset, restarting or stopped: look again a little later, and survey then (it may have changed).
				await sleep(this.retryMs);
				changed = true;
			}
			if (changed && !this.stopped) await this.settleThenRefresh();
		}
	}

	/** Every change reported in the next `settleMs` joins one survey round. */
	private settleThenRefresh(): Promise<void> {
		this.settled ??= new Promise<void>((resolve) => {
			this.settleTimer = setTimeout(() => {
				this.settled = undefined;
				void this.refresh().then(resolve);
			}, this.settleMs);
		});
		return this.settled;
	}
}
