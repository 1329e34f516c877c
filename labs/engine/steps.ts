// Running setup and solution steps on the nodes, where `{{stdout:token}}` is the trimmed output of the earlier step `id: token`.
import type { ExecResult, SetupItem, StepEnv } from './types.ts';
import { probeOf, waitFor } from './wait.ts';

// Docker's own Go templates ({{.Swarm.NodeID}}, {{json .X}}) never start with "stdout:", so both live in one command.
const outputReference = /\{\{\s*stdout:([a-z][a-z0-9-]*)\s*\}\}/g;

export const defaultStepTimeoutMs = 600_000;

/** The step ids a command refers to, in order. */
export function outputReferences(command: string): string[] {
	return [...command.matchAll(outputReference)].map((match) => match[1]);
}

export function substituteOutputs(command: string, outputs: ReadonlyMap<string, string>): string {
	return command.replace(outputReference, (_, id: string) => {
		const value = outputs.get(id);
		if (value === undefined) throw new StepError(`no output named "${id}" yet`);
		return value;
	});
}

export class StepError extends Error {
	constructor(
		message: string,
		readonly step?: SetupItem,
		readonly result?: ExecResult,
	) {
		super(message);
		this.name = 'StepError';
	}
}

const applied: ExecResult = { exit: 0, stdout: '', stderr: '' };

/**
 * Runs one step; a non-zero exit or an unreachable node throws a StepError, and so does a `wait` whose condition did
 * not hold in time (saying what it last saw). Records the output when the step has an id. A fault step changes the
 * switch at once.
 */
export async function runStep(step: SetupItem, { exec, fault }: StepEnv, outputs: Map<string, string>): Promise<ExecResult> {
	if ('fault' in step) {
		try {
			fault(step.fault);
		} catch (error) {
			throw new StepError(`fault ${step.fault.kind}: ${(error as Error).message}`, step);
		}
		return applied;
	}
	const timeoutMs = step.timeoutMs ?? defaultStepTimeoutMs;
	if (step.wait) {
		const condition = probeOf(step.wait);
		const probe = { ...condition, command: substituteOutputs(condition.command, outputs) };
		try {
			const result = await waitFor(step.node, probe, exec, timeoutMs);
			if (step.id) outputs.set(step.id, result.stdout.trim());
			return result;
		} catch (error) {
			throw new StepError((error as Error).message, step);
		}
	}
	const command = substituteOutputs(step.run, outputs);
	let result: ExecResult;
	try {
		result = await exec(step.node, command, { timeoutMs });
	} catch (error) {
		throw new StepError(`${step.node}$ ${step.run}: the node did not answer (${(error as Error).message})`, step);
	}
	if (result.exit !== 0) {
		const stderr = result.stderr.trim().split('\n').slice(-3).join(' | ');
		throw new StepError(`${step.node}$ ${step.run}: exit ${result.exit}${stderr ? `: ${stderr}` : ''}`, step, result);
	}
	if (step.id) outputs.set(step.id, result.stdout.trim());
	return result;
}

export async function runSteps(steps: readonly SetupItem[], env: StepEnv, outputs = new Map<string, string>()): Promise<Map<string, string>> {
	for (const step of steps) await runStep(step, env, outputs);
	return outputs;
}
