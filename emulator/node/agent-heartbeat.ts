// Notices a guest agent that stopped answering (stopped, killed with what started it, a guest that panicked): the
// node still looks ready, but every check and the swarm map would wait on it. The agent answers the heartbeat, ':',
// without forking (image/guest/swarmlab-agent), so asking every few seconds costs the guest nothing.

export interface HeartbeatOptions {
	/** How often the agent is asked. */
	everyMs: number;
	/** A question unanswered this long means the agent is lost. */
	lostAfterMs: number;
}

/** A stopped agent is noticed within 12 s: asked every 3 s, lost after 9 s without its answer. */
export const agentHeartbeat: HeartbeatOptions = { everyMs: 3000, lostAfterMs: 9000 };

export class AgentHeartbeat {
	private timer: ReturnType<typeof setInterval> | undefined;
	/** The question in flight, if any, and for how many beats it has been waiting. */
	private waiting: { beats: number } | undefined;
	private lost = false;

	constructor(
		/** Asks the agent ':'; settles when it answers, or rejects when the question is dropped (a reset). */
		private readonly ask: () => Promise<unknown>,
		/** Called when the agent is found lost (false), and when it answers again (true). */
		private readonly onChange: (answering: boolean) => void,
		private readonly options: HeartbeatOptions = agentHeartbeat,
	) {
		if (!(options.everyMs > 0 && options.lostAfterMs >= options.everyMs)) {
			throw new RangeError(`a heartbeat needs everyMs > 0 and lostAfterMs >= everyMs, not ${JSON.stringify(options)}`);
		}
	}

	/** Starts asking (the node is ready). */
	start() {
		if (this.timer) return;
		this.timer = setInterval(() => this.beat(), this.options.everyMs);
	}

	/** Stops asking (the node is being reset or stopped); a lost agent is forgotten: the next start begins afresh. */
	stop() {
		clearInterval(this.timer);
		this.timer = undefined;
		this.waiting = undefined;
		if (this.lost) this.change(false);
	}

	private beat() {
		if (this.waiting) {
			this.waiting.beats++;
			if (!this.lost && this.waiting.beats * this.options.everyMs >= this.options.lostAfterMs) this.change(true);
			return;
		}
		const waiting = { beats: 0 };
		this.waiting = waiting;
		this.ask().then(
			() => {
				if (this.waiting !== waiting) return;
				this.waiting = undefined;
				if (this.lost) this.change(false);
			},
			() => {
				if (this.waiting === waiting) this.waiting = undefined;
			},
		);
	}

	private change(lost: boolean) {
		this.lost = lost;
		this.onChange(!lost);
	}
}
