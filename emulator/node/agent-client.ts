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

const RECORD_START = 0x1e;
const NEWLINE = 0x0a;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toBase64(text: string): string {
	let binary = '';
	for (const byte of encoder.encode(text)) binary += String.fromCharCode(byte);
	return btoa(binary);
}

function fromBase64(text: string): string {
	return decoder.decode(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));
}

interface Pending {
	resolve(result: ExecResult): void;
	reject(error: Error): void;
	started: number;
	timer: ReturnType<typeof setTimeout>;
}

export class AgentClient {
	private nextId = 1;
	private readonly pending = new Map<number, Pending>();
	private line: number[] = [];
	private announceReady!: () => void;
	/** Resolves when the agent announces itself after a cold boot (a restored agent is already running). */
	readonly announced = new Promise<void>((resolve) => (this.announceReady = resolve));

	constructor(private readonly send: (bytes: Uint8Array) => void) {}

	/** Feed bytes the guest wrote on the agent port. */
	receive(bytes: Uint8Array) {
		for (const byte of bytes) {
			if (byte === NEWLINE) {
				this.handleLine(this.line);
				this.line = [];
			} else this.line.push(byte);
		}
	}

	private handleLine(bytes: number[]) {
		const start = bytes.indexOf(RECORD_START);
		if (start < 0) return;
		const [id, exit, out = '', err = ''] = decoder.decode(Uint8Array.from(bytes.slice(start + 1))).split(' ');
		if (id === 'ready') return this.announceReady();
		const pending = this.pending.get(Number(id));
		if (!pending) return; // a late reply to a request that already timed out
		this.pending.delete(Number(id));
		clearTimeout(pending.timer);
		const ms = Math.round(performance.now() - pending.started);
		if (exit === 'timeout') pending.reject(new AgentError(`command timed out after ${ms} ms`, 'timeout'));
		else pending.resolve({ exit: Number(exit), stdout: fromBase64(out), stderr: fromBase64(err), ms });
	}

	exec(command: string, { timeoutMs = 60_000 }: ExecOptions = {}): Promise<ExecResult> {
		const id = this.nextId++;
		const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
		return new Promise((resolve, reject) => {
			// The guest enforces the timeout too; this timer only covers an agent that stopped answering.
			const timer = setTimeout(() => {
				this.pending.delete(id);
				reject(new AgentError(`no answer from the node's agent within ${timeoutMs} ms`, 'timeout'));
			}, timeoutMs + 3000);
			this.pending.set(id, { resolve, reject, started: performance.now(), timer });
			this.send(encoder.encode(`${id} ${seconds} ${toBase64(command)}\n`));
		});
	}

	/** Reject every request in flight (the machine was reset or stopped: no answer will come). */
	abandon(reason: string, code: AgentError['code']) {
		for (const [id, pending] of this.pending) {
			clearTimeout(pending.timer);
			pending.reject(new AgentError(reason, code));
			this.pending.delete(id);
		}
		this.line = [];
	}
}
