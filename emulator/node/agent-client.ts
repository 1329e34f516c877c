// Host side of the guest agent protocol on the node's second serial port (see image/guest/swarmlab-agent).

export interface ExecResult {
	exit: number;
	stdout: string;
	stderr: string;
	ms: number;
}

export interface ExecOptions {
	timeoutMs?: number;
}

export class AgentError extends Error {
	constructor(
		message: string,
		readonly code: 'timeout' | 'unreachable' | 'stopped',
	) {
		super(message);
		this.name = 'AgentError';
	}
}

/** A day: longer than any lab command, short enough for setTimeout (which overflows past 2^31 - 1 ms). */
export const maxTimeoutMs = 86_400_000;
const RECORD_START = 0x1e;
const NEWLINE = 0x0a;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Pending {
	resolve(result: ExecResult): void;
	reject(error: Error): void;
	started: number;
	timer: ReturnType<typeof setTimeout>;
}

/** A reply's header line, then as many body bytes as it announces (stdout then stderr). */
interface ReplyHeader {
	id: string;
	exit: string;
	stdoutBytes: number;
	stderrBytes: number;
}

export class AgentClient {
	private nextId = 1;
	private readonly pending = new Map<number, Pending>();
	private headerBytes: number[] = [];
	private header: ReplyHeader | null = null;
	private body = new Uint8Array(0);
	private bodyFilled = 0;
	private announceReady!: () => void;
	/** Resolves when the agent announces itself after a cold boot (a restored agent is already running). */
	readonly announced = new Promise<void>((resolve) => (this.announceReady = resolve));

	constructor(private readonly send: (bytes: Uint8Array) => void) {}

	/** Feed bytes the guest wrote on the agent port. */
	receive(bytes: Uint8Array) {
		let at = 0;
		while (at < bytes.length) {
			if (this.header) {
				const take = Math.min(bytes.length - at, this.body.length - this.bodyFilled);
				this.body.set(bytes.subarray(at, at + take), this.bodyFilled);
				this.bodyFilled += take;
				at += take;
				if (this.bodyFilled === this.body.length) this.finishReply();
				continue;
			}
			const byte = bytes[at++];
			if (byte !== NEWLINE) {
				this.headerBytes.push(byte);
				continue;
			}
			const start = this.headerBytes.indexOf(RECORD_START);
			const line = start < 0 ? '' : decoder.decode(Uint8Array.from(this.headerBytes.slice(start + 1)));
			this.headerBytes = [];
			const match = /^(\w+) (\w+) (\d+) (\d+)$/.exec(line);
			if (!match) continue; // noise on the line (a guest that has just been restored, a partial write)
			this.header = { id: match[1], exit: match[2], stdoutBytes: Number(match[3]), stderrBytes: Number(match[4]) };
			this.body = new Uint8Array(this.header.stdoutBytes + this.header.stderrBytes);
			this.bodyFilled = 0;
			if (this.body.length === 0) this.finishReply();
		}
	}

	private finishReply() {
		const { id, exit, stdoutBytes } = this.header!;
		const body = this.body;
		this.header = null;
		this.body = new Uint8Array(0);
		if (id === 'ready') {
			// An agent started again after the last one died: what that one was asked will never be answered.
			this.rejectPending("the node's agent restarted: the command was lost with the one before", 'unreachable');
			return this.announceReady();
		}
		const pending = this.pending.get(Number(id));
		if (!pending) return; // a late reply to a request that already timed out
		this.pending.delete(Number(id));
		clearTimeout(pending.timer);
		const ms = Math.round(performance.now() - pending.started);
		if (exit === 'timeout') return pending.reject(new AgentError(`command timed out after ${ms} ms`, 'timeout'));
		pending.resolve({
			exit: Number(exit),
			stdout: decoder.decode(body.subarray(0, stdoutBytes)),
			stderr: decoder.decode(body.subarray(stdoutBytes)),
			ms,
		});
	}

	exec(command: string, { timeoutMs = 60_000 }: ExecOptions = {}): Promise<ExecResult> {
		// Checked here, where every caller passes: a NaN timeout used to fire at once and every request vanished.
		if (typeof command !== 'string' || !command.trim()) return Promise.reject(new TypeError(`a command to run is a non-empty string, not ${JSON.stringify(command)}`));
		if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > maxTimeoutMs) {
			return Promise.reject(new RangeError(`timeoutMs is a whole number of milliseconds from 1 to ${maxTimeoutMs}, not ${timeoutMs}`));
		}
		const id = this.nextId++;
		const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
		return new Promise((resolve, reject) => {
			// The guest enforces the timeout too; this timer only covers an agent that stopped answering.
			const timer = setTimeout(() => {
				this.pending.delete(id);
				reject(new AgentError(`no answer from the node's agent within ${timeoutMs} ms`, 'timeout'));
			}, timeoutMs + 3000);
			this.pending.set(id, { resolve, reject, started: performance.now(), timer });
			// One line: backslashes doubled, newlines as \n (the agent decodes with printf %b).
			const script = command.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
			this.send(encoder.encode(`${id} ${seconds} ${script}\n`));
		});
	}

	/** Reject every request in flight (the machine was reset or stopped: no answer will come). */
	abandon(reason: string, code: AgentError['code']) {
		this.rejectPending(reason, code);
		this.headerBytes = [];
		this.header = null;
		this.body = new Uint8Array(0);
	}

	private rejectPending(reason: string, code: AgentError['code']) {
		for (const [id, pending] of this.pending) {
			clearTimeout(pending.timer);
			pending.reject(new AgentError(reason, code));
			this.pending.delete(id);
		}
	}
}
