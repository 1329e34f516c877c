// Instructor scripts for the headless CLI: `<node>$ <command>` lines, `# comments`, and {{N}} = stdout of command line N.

export interface ScriptStep {
	line: number; // 1-based line in the file
	node: string;
	command: string;
}

export class ScriptError extends Error {
	constructor(
		readonly file: string,
		readonly line: number,
		message: string,
	) {
		super(`${file}:${line}: ${message}`);
		this.name = 'ScriptError';
	}
}

const stepPattern = /^([a-z][a-z0-9-]*)\$\s+(.+)$/;
// {{N}} with N a number only: Go templates such as {{.Name}} pass through.
const referencePattern = /\{\{(\d+)\}\}/g;

export function parseScript(text: string, file: string, nodes: string[]): ScriptStep[] {
	const steps: ScriptStep[] = [];
	text.split('\n').forEach((raw, index) => {
		const line = index + 1;
		const trimmed = raw.trim();
		if (trimmed === '' || trimmed.startsWith('#')) return;
		const match = stepPattern.exec(trimmed);
		if (!match) throw new ScriptError(file, line, `expected "<node>$ <command>", got "${trimmed}"`);
		const [, node, command] = match;
		if (!nodes.includes(node)) throw new ScriptError(file, line, `unknown node "${node}" (this cluster has: ${nodes.join(', ')})`);
		for (const [, n] of command.matchAll(referencePattern)) {
			const target = Number(n);
			if (target < 1 || target > steps.length) {
				throw new ScriptError(file, line, `{{${n}}} refers to command ${n}, but only ${steps.length} command(s) come before this line`);
			}
		}
		steps.push({ line, node, command });
	});
	return steps;
}

/** Replace {{N}} by the trimmed stdout of the N-th command (1-based) already run. */
export function substitute(command: string, outputs: string[]): string {
	return command.replace(referencePattern, (_, n) => outputs[Number(n) - 1].trim());
}
