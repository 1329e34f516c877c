// The shapes of a lab chapter once loaded: plain JSON data passed from the build (or a +page.server.ts load) to the page.

import type { WaitCondition } from './wait.ts';

export const languages = ['en', 'fr'] as const;
export type Language = (typeof languages)[number];

export interface ChapterNode {
	name: string;
	ip: string;
}

/** What the cluster looks like before the student's first command. */
export type StartState = 'fresh' | 'swarm';

/**
 * One command run through a node's agent (setup, solution); `id` names its output for `{{stdout:id}}`. A `wait` step
 * asks its condition's command (`run`) again until the condition holds (labs/engine/wait.ts).
 */
export interface Step {
	id?: string;
	node: string;
	run: string;
	wait?: WaitCondition;
	timeoutMs?: number;
}

/** In a solution: evaluate this checkpoint here, before the next steps change the state again. */
export interface CheckMarker {
	check: string;
}

export type NodePair = [string, string];

/**
 * A fault the switch applies (emulator/network/faults.ts), on every link or `between` two nodes; `unplug` pulls a
 * node's cable; `heal` takes every fault away and plugs every cable back.
 */
export type FaultSpec =
	| { kind: 'drop'; proto: 'udp' | 'tcp' | 'esp' | 'icmp' | 'arp'; port?: number; between?: NodePair }
	| { kind: 'mtu'; mtu: number; between?: NodePair }
	| { kind: 'latency'; ms: number; between?: NodePair }
	| { kind: 'loss'; ratio: number; between?: NodePair }
	| { kind: 'unplug'; node: string }
	| { kind: 'heal' };

/** A setup or solution step that breaks (or heals) the wire instead of running a command. */
export interface FaultStep {
	fault: FaultSpec;
}

export type SetupItem = Step | FaultStep;
export type SolutionItem = Step | CheckMarker | FaultStep;

export const captureProtocols = ['arp', 'icmp', 'udp', 'tcp', 'vxlan', 'esp', 'dns'] as const;
export type CaptureProtocol = (typeof captureProtocols)[number];

export const innerProtocols = ['icmp', 'tcp', 'udp', 'arp'] as const;
export type InnerProtocol = (typeof innerProtocols)[number];

/** The frame inside a VXLAN datagram. */
export interface InnerFilter {
	proto?: InnerProtocol;
	srcIp?: string;
	dstIp?: string;
}

/** A capture query as the switch's capture answers it; node names stand for their underlay addresses. */
export interface CaptureFilter {
	/** On the outer frame; `udp` also matches VXLAN and DNS, which ride on UDP. */
	proto?: CaptureProtocol;
	/** The node that sent the frame. */
	from?: string;
	/** A node the frame was delivered to. */
	to?: string;
	/** Sent by one and delivered to the other, either way. */
	between?: [string, string];
	/** Outer UDP source or destination port. */
	udpPort?: number;
	tcpPort?: number;
	/** Outer IPv4 addresses (for ARP: sender and address asked for). */
	srcIp?: string;
	dstIp?: string;
	vni?: number;
	/** What a VXLAN frame carries; implies a VXLAN frame. */
	inner?: InnerFilter;
}

/** A VNI read from the live system: the first integer printed by `run` on `node`. */
export interface LiveVni {
	node: string;
	run: string;
}

/** A capture query as written in chapter.yaml: the VNI may still have to be read live. */
export interface ChapterCaptureFilter extends Omit<CaptureFilter, 'vni'> {
	vni?: number | LiveVni;
}

export interface ExecExpectation {
	exit?: number;
	/** JavaScript regular expression, multiline mode, searched in stdout. */
	stdout?: string;
	stdoutNot?: string;
}

export interface ExecCheckpoint {
	id: string;
	kind: 'exec';
	node: string;
	run: string;
	expect: ExecExpectation;
	timeoutMs?: number;
}

export interface CaptureCheckpoint {
	id: string;
	kind: 'capture';
	filter: ChapterCaptureFilter;
	min: number;
	/** Passes only when no frame matches, and `evidence` shows the traffic in question flowed. */
	none: boolean;
	/** With `none`: frames that must have been seen in the same window (a silent wire proves nothing). */
	evidence?: ChapterCaptureFilter;
	since: 'chapter' | 'step';
}

export type AnswerMatch = 'exact' | 'number' | 'regex';

export interface QuestionCheckpoint {
	id: string;
	kind: 'question';
	/** Its trimmed stdout is the expected answer (with `regex`: the pattern the answer must match). */
	answer: { node: string; run: string; timeoutMs?: number };
	match: AnswerMatch;
	/** With `regex` only: an answer lab:verify submits, which must be accepted. */
	example?: string;
}

/** Passes when a typed condition holds on a node now (the conditions of `wait` steps, labs/engine/wait.ts). */
export interface WaitCheckpoint {
	id: string;
	kind: 'wait';
	node: string;
	until: WaitCondition;
	timeoutMs?: number;
}

export type Checkpoint = ExecCheckpoint | CaptureCheckpoint | QuestionCheckpoint | WaitCheckpoint;

export type Segment =
	| { kind: 'html'; html: string }
	| { kind: 'command'; node: string; code: string }
	/** A file for the student to open in the editor on `node` (```file manager stack.yml), its text ready to save. */
	| { kind: 'file'; node: string; path: string; code: string }
	| { kind: 'checkpoint'; id: string };

export interface CheckpointText {
	title: string;
	/** Inline HTML rendered from the hint's markdown (code spans, emphasis, links). */
	hintHtml: string;
}

export interface ChapterText {
	title: string;
	summary: string;
	segments: Segment[];
	checkpoints: Record<string, CheckpointText>;
}

export interface Chapter {
	/** Folder name without its number: `form-swarm`. */
	slug: string;
	/** The folder's number: 1 for `01-form-swarm`. */
	order: number;
	/** The folder name as on disk: `01-form-swarm`. */
	folder: string;
	/** Stable key for saved progress; survives renumbering. */
	id: string;
	/** Minutes. */
	duration: number;
	nodes: ChapterNode[];
	start: StartState;
	setup: SetupItem[];
	solution: SolutionItem[];
	/** In the order the prose places them (the same in every language). */
	checkpoints: Checkpoint[];
	text: Record<Language, ChapterText>;
}

export interface ExecResult {
	exit: number;
	stdout: string;
	stderr: string;
}

/** Runs a shell command on a node through its agent; rejects when the node cannot answer (down, timeout). */
export type Exec = (node: string, command: string, options?: { timeoutMs?: number }) => Promise<ExecResult>;

/** What steps act on: the nodes' agents, and the switch between them. */
export interface StepEnv {
	exec: Exec;
	fault(spec: FaultSpec): void;
}
