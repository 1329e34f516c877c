// Why the machines cannot run, as data the page words in the reader's language.

export type MachinesProblem =
	| { code: 'image-missing'; url: string }
	| { code: 'image-invalid'; reason: string }
	| { code: 'image-unreachable'; reason: string }
	| { code: 'unsupported'; feature: 'WebAssembly' | 'Web Workers' | 'secure-context' }
	| { code: 'start-failed'; reason: string };

export class MachinesError extends Error {
	constructor(readonly problem: MachinesProblem) {
		super(`machines: ${problem.code}`);
		this.name = 'MachinesError';
	}
}

export function problemOf(error: unknown): MachinesProblem {
	if (error instanceof MachinesError) return error.problem;
	return { code: 'start-failed', reason: error instanceof Error ? error.message : String(error) };
}
