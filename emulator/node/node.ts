// One Swarm node: a v86 machine in its own worker, its console, its agent and its NIC, behind one small API.
import { AgentClient, AgentError, maxTimeoutMs, type ExecOptions, type ExecResult } from './agent-client.ts';
import { AgentHeartbeat, type HeartbeatOptions } from './agent-heartbeat.ts';
import { Events } from '../network/events.ts';
import { identityScript, resumeScript, type NodeIdentity } from './identity.ts';
import type { LoadedState, StartState } from './saved-states.ts';
import { transferablesOf, type StateParts } from './state-parts.ts';
import type { DownloadRetry, VmManifest } from './vm-files.ts';
import { VmFileError } from './vm-files.ts';
import { ShellMarks } from './shell-marks.ts';
import type { VmSource, VmToHost, VmWorkerHandle } from './vm-protocol.ts';

/** Everything needed to start machines from one built image, in Node.js or in a browser. */
export interface VmFiles {
	manifest: VmManifest;
	source: VmSource;
	/**
	 * v86's code, compiled once for every node: each worker only instantiates it, and V8 optimises its hot functions
	 * once for all of them rather than once per node.
	 */
	wasm(): Promise<WebAssembly.Module>;
	/**
	 * v86's JIT turns hot guest code into new wasm modules all the time. It pays only where those modules stay on
	 * V8's baseline compiler (Node.js, `--liftoff-only`); with V8's defaults, as in a student's browser, TurboFan
	 * re-optimises each of them and the guest runs five times slower than with no JIT at all.
	 */
	jit: boolean;
	spawn: () => VmWorkerHandle;
	/** Every node of a saved start state, downloaded and inflated once (emulator/node/saved-states.ts). */
	loadState(name: StartState): Promise<LoadedState>;
}

/** What a node restores: a saved machine, and whether that machine already was this node. */
export interface SavedMachine {
	/** Makes the saved v86 state, whose buffers are then handed over to the node's worker. */
	parts(): StateParts;
	/** Saved by a node of this name, address and MAC: only its clock and entropy need renewing. */
	sameIdentity: boolean;
	/** The guest's wall clock when it was saved: a restore never sets it earlier (certificates start there). */
	savedAt: number;
}

/** A node's machine at one moment, as what changed since the saved machine it had restored (state-diff.ts, gzip). */
export interface NodeSnapshot {
	name: string;
	ip: string;
	data: Uint8Array;
	/** Guest RAM pages that differ from the saved machine's (4 KB each, before compression). */
	changedPages: number;
}

/** How long the node's worker may take to answer, in milliseconds. */
export interface ReplyTimeouts {
	/** From spawning the worker to its machine waiting paused: fetching the BIOS (with its retries) and v86's wasm. */
	startMs: number;
	/** Putting a saved state into the machine, for a restore or a reset: seconds, unless the worker is stuck. */
	loadMs: number;
}

const defaultTimeouts: ReplyTimeouts = { startMs: 300_000, loadMs: 180_000 };

export interface RestoreOptions {
	/** The host's idea of now (Date.now by default); the guests' clocks are set from it. */
	clock?: () => number;
	/** A worker that does not answer in time turns the node to 'error' with the reason, instead of waiting forever. */
	timeouts?: Partial<ReplyTimeouts>;
	/** Sees the node at once, so a caller can show its progress or destroy it before it is ready. */
	attach?: (node: Node) => void;
	/** Asks the ready node's agent whether it still answers (`onAgent`); off unless given (an image build saves
	 * machines, which must not hold a question in flight). */
	heartbeat?: HeartbeatOptions;
}

export type NodeStatus =
	| { state: 'downloading'; bytes: number }
	| { state: 'restoring' }
	| { state: 'ready' }
	| { state: 'resetting' }
	| { state: 'error'; reason: string }
	| { state: 'stopped' };

type Listener<T> = (value: T) => void;

const scrollbackBytes = 64 * 1024;

/** What a reply that never came was for, in a node's error. */
const replyNames: Partial<Record<VmToHost['type'], string>> = { started: 'starting', restored: 'loading its saved state' };

/** The student's terminal line: bytes in and out of the node's first serial port. */
export class NodeConsole {
	private readonly events = new Events<{ data: Uint8Array; commandEnd: number }>();
	private readonly marks = new ShellMarks((exitCode) => this.events.emit('commandEnd', exitCode));
	private history = new Uint8Array(0);

	constructor(private readonly send: (data: Uint8Array) => void) {}

	write(data: string | Uint8Array) {
		this.send(typeof data === 'string' ? new TextEncoder().encode(data) : data);
	}

	onData(listener: Listener<Uint8Array>): () => void {
		return this.events.on('data', listener);
	}

	/** A command run at the prompt (typed, or by a run button) ended; the listener gets its exit status. */
	onCommandEnd(listener: Listener<number>): () => void {
		return this.events.on('commandEnd', listener);
	}

	/** The most recent output, for a terminal attached late and for tests. */
	text(): string {
		return new TextDecoder().decode(this.history);
	}

	push(data: Uint8Array) {
		const joined = new Uint8Array(Math.min(this.history.length + data.length, scrollbackBytes));
		const keep = joined.length - data.length;
		if (keep > 0) joined.set(this.history.subarray(this.history.length - keep));
		joined.set(data.subarray(Math.max(0, data.length - joined.length)), Math.max(0, keep));
		this.history = joined;
		this.marks.scan(data);
		this.events.emit('data', data);
	}
}

export class Node {
	readonly console: NodeConsole;
	private readonly agent: AgentClient;
	private readonly events = new Events<{ frame: Uint8Array; status: NodeStatus; network: DownloadRetry | undefined; agent: boolean }>();
	private readonly heartbeat: AgentHeartbeat | undefined;
	/** A download of this node's worker failed and has not succeeded since. */
	private retrying = false;
	/** Requests waiting for their reply, oldest first per reply type: the worker answers each kind in order. */
	private readonly waiters = new Map<string, { resolve(m: VmToHost): void; reject(e: Error): void }[]>();
	private currentStatus: NodeStatus = { state: 'restoring' };
	private downloaded = 0;
	private destroyed = false;
	private machine: Omit<SavedMachine, 'parts'> = { sameIdentity: false, savedAt: 0 };
	private started: Promise<unknown> = Promise.resolve();
	/** The last restore or reset asked for: the next one waits for it (two at once had left one "resetting" forever). */
	private loading: Promise<unknown> = Promise.resolve();

	private readonly timeouts: ReplyTimeouts;

	private constructor(
		readonly identity: NodeIdentity,
		private readonly worker: VmWorkerHandle,
		private readonly clock: () => number = Date.now,
		timeouts: Partial<ReplyTimeouts> = {},
		heartbeat?: HeartbeatOptions,
	) {
		this.timeouts = { ...defaultTimeouts, ...timeouts };
		this.console = new NodeConsole((data) => worker.post({ type: 'console-in', data }));
		this.agent = new AgentClient((data) => worker.post({ type: 'agent-in', data }));
		// A heartbeat's question waits as long as the agent does: only a reset or a stop drops it.
		if (heartbeat) this.heartbeat = new AgentHeartbeat(() => this.agent.exec(':', { timeoutMs: maxTimeoutMs }), (answering) => this.events.emit('agent', answering), heartbeat);
		worker.onMessage((message) => this.handle(message));
		worker.onError((error) => this.fail(error.message));
	}

	/** A node whose worker starts its machine at once, paused, while the saved state is still on its way:
	 * `restoreFrom` then puts the state in. */
	static create(files: VmFiles, identity: NodeIdentity, options: RestoreOptions = {}): Node {
		const node = new Node(identity, files.spawn(), options.clock, options.timeouts, options.heartbeat);
		options.attach?.(node);
		node.started = node.start(files, false);
		// Seen by whoever awaits restoreFrom; a failure before that must not go unhandled.
		node.started.catch(() => {});
		return node;
	}

	/** Cold boot from kernel and initrd (used by the image build); resolves when the agent announces itself. */
	static async boot(files: VmFiles, identity: NodeIdentity, attach?: (node: Node) => void): Promise<Node> {
		const node = new Node(identity, files.spawn());
		attach?.(node);
		await node.start(files, true);
		await node.agent.announced;
		node.setStatus({ state: 'ready' });
		return node;
	}

	/** The first restore of a node made with `create`; with `snapshot`, the machine as it was when that was taken. */
	async restoreFrom(machine: SavedMachine, snapshot?: Uint8Array) {
		await this.started;
		await this.load(machine, 'restoring', snapshot);
	}

	get name() {
		return this.identity.name;
	}

	get ip() {
		return this.identity.ip;
	}

	get status(): NodeStatus {
		return this.currentStatus;
	}

	onStatus(listener: Listener<NodeStatus>) {
		return this.events.on('status', listener);
	}

	/**
	 * The node's own downloads (a disk chunk its guest waits for, the BIOS): a retry when one fails and will be tried
	 * again, then `undefined` once bytes arrive again. The guest's read simply waits meanwhile.
	 */
	onNetwork(listener: Listener<DownloadRetry | undefined>) {
		return this.events.on('network', listener);
	}

	/**
	 * With a heartbeat: `false` once the ready node's agent has left a question unanswered too long (its checks
	 * cannot run; a reset brings it back), `true` when it answers again or the node starts a reset.
	 */
	onAgent(listener: Listener<boolean>) {
		return this.events.on('agent', listener);
	}

	/** Frames the node's NIC sends onto the wire. */
	onFrame(listener: Listener<Uint8Array>) {
		return this.events.on('frame', listener);
	}

	/** A frame from the wire for the node's NIC (copied: the switch may hand one frame to several ports). */
	receiveFrame(frame: Uint8Array) {
		if (this.destroyed) return;
		const copy = frame.slice();
		this.worker.post({ type: 'frame-in', frame: copy }, [copy.buffer]);
	}

	exec(command: string, options?: ExecOptions): Promise<ExecResult> {
		if (this.destroyed) return Promise.reject(new AgentError(`node ${this.name} is stopped`, 'stopped'));
		if (this.currentStatus.state !== 'ready') {
			return Promise.reject(new AgentError(`node ${this.name} is not ready (${this.currentStatus.state})`, 'unreachable'));
		}
		return this.agent.exec(command, options);
	}

	/** Terminal size, so full-screen programs (less, vi, top) draw for the browser terminal's real size. */
	async resize(cols: number, rows: number) {
		await this.agent.exec(`stty -F /dev/ttyS0 rows ${Math.floor(rows)} cols ${Math.floor(cols)}`, { timeoutMs: 5000 });
	}

	/**
	 * Back to the machine it started from, or to another saved machine: whatever the student did on it is gone.
	 * With `snapshot` (taken by `snapshot()` over that machine, or over the one it has), to that moment instead.
	 */
	async reset(machine?: SavedMachine, snapshot?: Uint8Array) {
		await this.load(machine, 'resetting', snapshot);
		this.console.push(new TextEncoder().encode('\r\n'));
	}

	/**
	 * The machine as it is now, as what changed since the saved machine it last restored: the guest pauses while
	 * its worker saves and compresses it (seconds); the page's thread only receives the result.
	 */
	async snapshot(): Promise<NodeSnapshot> {
		const reply = (await this.request({ type: 'snapshot' }, 'snapshot', [], this.timeouts.loadMs)) as Extract<VmToHost, { type: 'snapshot' }>;
		if ('error' in reply) throw new Error(`node ${this.name} could not be saved: ${reply.error}`);
		return { name: this.name, ip: this.ip, data: reply.snapshot, changedPages: reply.changedPages };
	}

	/** Puts a saved machine (or the one it last had) in the worker, then makes it this node; one load at a time. */
	private load(machine: SavedMachine | undefined, status: 'restoring' | 'resetting', snapshot?: Uint8Array): Promise<void> {
		const run = () => this.loadNow(machine, status, snapshot);
		const loaded = this.loading.then(run, run);
		this.loading = loaded.catch(() => {});
		return loaded;
	}

	private async loadNow(machine: SavedMachine | undefined, status: 'restoring' | 'resetting', snapshot?: Uint8Array) {
		if (status === 'resetting') this.agent.abandon(`node ${this.name} was reset`, 'stopped');
		this.setStatus({ state: status });
		if (machine) this.machine = { sameIdentity: machine.sameIdentity, savedAt: machine.savedAt };
		const parts = machine?.parts();
		// A late 'restored' after a timeout is harmless: the worker handles messages in order, so whatever the next load
		// sends waits behind that restore. The snapshot is copied, not handed over: the caller may restore it again.
		await this.request({ type: 'restore', parts, snapshot }, 'restored', parts ? transferablesOf(parts) : [], this.timeouts.loadMs);
		// A snapshot was this very node: it needs only a new clock and entropy.
		await this.applyIdentity(snapshot !== undefined || this.machine.sameIdentity);
	}

	async destroy() {
		if (this.destroyed) return;
		this.destroyed = true;
		this.agent.abandon(`node ${this.name} was stopped`, 'stopped');
		const stopped = this.request({ type: 'stop' }, 'stopped');
		await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 2000))]).catch(() => {});
		this.worker.terminate();
		this.setStatus({ state: 'stopped' });
	}

	/** The full machine state (image build only). */
	async saveState(): Promise<ArrayBuffer> {
		const message = await this.request({ type: 'save' }, 'saved');
		return (message as Extract<VmToHost, { type: 'saved' }>).state;
	}

	private async start(files: VmFiles, boot: boolean) {
		this.setStatus({ state: 'downloading', bytes: 0 });
		const started = this.waitFor('started', this.timeouts.startMs);
		const wasm = await files.wasm();
		this.worker.post({ type: 'start', spec: { source: files.source, wasm, manifest: files.manifest, boot, jit: files.jit } });
		await started;
		this.setStatus({ state: 'restoring' });
	}

	private async applyIdentity(sameIdentity: boolean) {
		const now = Math.max(this.clock(), this.machine.savedAt);
		const script = sameIdentity ? resumeScript(now) : identityScript(this.identity, now);
		// The first request after a restore meets a guest whose JIT starts cold, and in a browser with V8's defaults
		// three such guests took over a minute to answer it: allow five.
		const result = await this.agent.exec(script, { timeoutMs: 300_000 });
		if (result.exit !== 0) {
			const reason = `node ${this.name} could not take its identity (exit ${result.exit}): ${result.stderr.trim()}`;
			this.fail(reason);
			throw new Error(reason);
		}
		// A saved console sits at a prompt drawn before the save: an empty line draws it again for this terminal.
		if (sameIdentity) this.console.write('\n');
		this.setStatus({ state: 'ready' });
	}

	private request(message: Parameters<VmWorkerHandle['post']>[0], reply: VmToHost['type'], transfer: Transferable[] = [], timeoutMs?: number) {
		const waiting = this.waitFor(reply, timeoutMs);
		this.worker.post(message, transfer);
		return waiting;
	}

	/** The worker's next reply of this type; past `timeoutMs` the node fails, which rejects every waiter. */
	private waitFor(type: VmToHost['type'], timeoutMs?: number): Promise<VmToHost> {
		const reply = new Promise<VmToHost>((resolve, reject) => this.waiters.set(type, [...(this.waiters.get(type) ?? []), { resolve, reject }]));
		if (timeoutMs === undefined) return reply;
		const timer = setTimeout(() => this.fail(`node ${this.name}: its machine did not answer (${replyNames[type] ?? type}) within ${timeoutMs / 1000} s`), timeoutMs);
		return reply.finally(() => clearTimeout(timer));
	}

	private handle(message: VmToHost) {
		switch (message.type) {
			case 'console-out':
				return this.console.push(message.data);
			case 'agent-out':
				return this.agent.receive(message.data);
			case 'frame-out':
				return this.events.emit('frame', message.frame);
			case 'retrying':
				this.retrying = true;
				return this.events.emit('network', message.retry);
			case 'download':
				if (this.retrying && message.bytes > 0) {
					this.retrying = false;
					this.events.emit('network', undefined);
				}
				this.downloaded += message.bytes;
				if (this.currentStatus.state === 'downloading') this.setStatus({ state: 'downloading', bytes: this.downloaded });
				return;
			case 'error':
				return this.fail(message.message, message.file);
		}
		this.waiters.get(message.type)?.shift()?.resolve(message);
	}

	private fail(reason: string, file?: string) {
		const error = file ? new VmFileError(file, reason.replace(/^VM file "[^"]*": /, '')) : new Error(reason);
		this.setStatus({ state: 'error', reason: error.message });
		this.agent.abandon(`node ${this.name} failed: ${error.message}`, 'unreachable');
		for (const waiter of [...this.waiters.values()].flat()) waiter.reject(error);
		this.waiters.clear();
	}

	private setStatus(status: NodeStatus) {
		if (status.state === 'ready') this.heartbeat?.start();
		else this.heartbeat?.stop();
		this.currentStatus = status;
		this.events.emit('status', status);
	}
}
