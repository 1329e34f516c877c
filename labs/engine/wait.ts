// A `wait` step: a typed condition on a node, asked again every few seconds until it holds or the step's time is up.
// The failure says what the condition last saw. Chapters wait with it instead of writing shell sleep loops.
import type { Exec, ExecResult } from './types.ts';

export type WaitCondition =
	/** The service runs as many tasks as it wants (`replicas`: exactly that many), e.g. `3/3`. */
	| { service: string; replicas?: number }
	/** The network is listed on the node (`absent: true`: is no longer). */
	| { network: string; absent?: boolean }
	/** A running container whose name contains this. */
	| { container: string }
	/** At least this many swarm nodes are Ready (on a manager). */
	| { nodesReady: number }
	/** The command exits 0 (and its output matches `stdout`, a JavaScript regular expression, multiline). */
	| { run: string; stdout?: string };

export interface Probe {
	/** What the node runs each time. */
	command: string;
	holds(result: ExecResult): boolean;
}

const quoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export function probeOf(condition: WaitCondition): Probe {
	if ('service' in condition) {
		const name = condition.service;
		return {
			command: `docker service ls --filter name=${quoted(name)} --format '{{.Name}} {{.Replicas}}'`,
			holds: ({ exit, stdout }) => {
				const line = stdout.split('\n').find((text) => text.split(' ')[0] === name);
				const replicas = /^\S+ (\d+)\/(\d+)/.exec(line ?? '');
				if (exit !== 0 || !replicas) return false;
				const [running, wanted] = [Number(replicas[1]), Number(replicas[2])];
				return running === wanted && wanted > 0 && (condition.replicas === undefined || wanted === condition.replicas);
			},
		};
	}
	if ('network' in condition) {
		return {
			command: `docker network ls --format '{{.Name}}'`,
			holds: ({ exit, stdout }) => exit === 0 && stdout.split('\n').includes(condition.network) === !condition.absent,
		};
	}
	if ('container' in condition) {
		return {
			command: `docker ps --filter name=${quoted(condition.container)} --filter status=running --format '{{.Names}}'`,
			holds: ({ exit, stdout }) => exit === 0 && stdout.trim() !== '',
		};
	}
	if ('nodesReady' in condition) {
		return {
			command: `docker node ls --format '{{.Hostname}} {{.Status}}'`,
			holds: ({ exit, stdout }) => exit === 0 && stdout.split('\n').filter((line) => / Ready$/.test(line)).length >= condition.nodesReady,
		};
	}
	const pattern = condition.stdout === undefined ? undefined : new RegExp(condition.stdout, 'm');
	return { command: condition.run, holds: ({ exit, stdout }) => exit === 0 && (!pattern || pattern.test(stdout)) };
}

export class WaitTimeout extends Error {
	constructor(
		readonly node: string,
		readonly probe: Probe,
		readonly waitedMs: number,
		readonly last: ExecResult | Error | undefined,
	) {
		const seen =
			last === undefined ? 'nothing' : last instanceof Error ? `no answer (${last.message})` : `exit ${last.exit}: ${(last.stdout + last.stderr).trim().slice(-300) || '(no output)'}`;
		super(`${node}$ ${probe.command}: not true after ${Math.round(waitedMs / 1000)} s; last seen: ${seen}`);
		this.name = 'WaitTimeout';
	}
}

/** Asks `probe` on `node` every `intervalMs` until it holds; throws a WaitTimeout with what it last saw. */
export async function waitFor(node: string, probe: Probe, exec: Exec, timeoutMs: number, intervalMs = 2000): Promise<ExecResult> {
	const start = Date.now();
	let last: ExecResult | Error | undefined;
	for (;;) {
		const left = timeoutMs - (Date.now() - start);
		if (left <= 0) throw new WaitTimeout(node, probe, Date.now() - start, last);
		try {
			last = await exec(node, probe.command, { timeoutMs: Math.max(left, 1000) });
			if (probe.holds(last)) return last;
		} catch (error) {
			last = error as Error;
		}
		await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, timeoutMs - (Date.now() - start)))));
	}
}
