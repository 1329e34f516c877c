// Child processes for the image build: fail loudly with the command and its stderr.
import { spawnSync } from 'node:child_process';

export function run(cmd: string, args: string[], opts: { cwd?: string; input?: string | Uint8Array; quiet?: boolean } = {}): string {
	const result = spawnSync(cmd, args, {
		cwd: opts.cwd,
		input: opts.input,
		encoding: 'buffer',
		maxBuffer: 1 << 30,
		stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
	});
	if (result.error) throw new Error(`${cmd}: ${result.error.message}`);
	if (result.status !== 0) {
		const err = result.stderr.toString().trim().split('\n').slice(-15).join('\n');
		throw new Error(`${cmd} ${args.join(' ')} exited with ${result.status}:\n${err}`);
	}
	return result.stdout.toString();
}

/** Time one build stage and print how long it took (CI reads these lines). */
export async function stage<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
	const start = performance.now();
	const value = await fn();
	console.log(`[vm] ${name}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
	return value;
}
