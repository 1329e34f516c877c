// Files on a node, read and written through its agent (the editor beside the terminals): the bytes cross the agent's
// line protocol in base64, so any text, quotes and newlines included, arrives exactly as written.
import type { ExecResult } from './agent-client.ts';

export interface FileHost {
	exec(command: string, options?: { timeoutMs?: number }): Promise<ExecResult>;
}

/** Where relative paths start: the student's home on every node. */
const home = '/root';

/** Larger than any stack file or script a chapter needs; keeps one agent request a reasonable line. */
export const maxFileBytes = 256 * 1024;

export class NodeFileError extends Error {
	constructor(
		message: string,
		readonly code: 'path' | 'too-large' | 'not-a-file' | 'failed',
	) {
		super(message);
		this.name = 'NodeFileError';
	}
}

/** A path as the shell must see it: relative paths are under /root, like the student's prompt. */
export function checkPath(path: string): string {
	const trimmed = path.trim();
	if (!trimmed || /[\0\n\r]/.test(trimmed) || trimmed.endsWith('/')) throw new NodeFileError(`"${path}" is not a file path`, 'path');
	return trimmed;
}

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

function toBase64(bytes: Uint8Array): string {
	let binary = '';
	// In slices: String.fromCharCode takes its bytes as arguments, and arguments have a limit.
	for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
	return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
	return Uint8Array.from(atob(text.replace(/\s+/g, '')), (char) => char.charCodeAt(0));
}

/** The file's text, or undefined when there is no such file yet (the editor starts a new one). */
export async function readNodeFile(node: FileHost, path: string, cwd = home): Promise<string | undefined> {
	const file = quote(checkPath(path));
	const result = await node.exec(
		`cd ${quote(cwd)} || exit 1; if [ ! -e ${file} ]; then echo missing; elif [ ! -f ${file} ]; then echo not-a-file; ` +
			`elif [ $(stat -c %s ${file}) -gt ${maxFileBytes} ]; then echo too-large; else echo file; base64 -w0 ${file}; fi`,
		{ timeoutMs: 30_000 },
	);
	const [status, body = ''] = result.stdout.split('\n', 2);
	if (result.exit !== 0) throw new NodeFileError(result.stderr.trim() || `reading ${path} failed (exit ${result.exit})`, 'failed');
	if (status === 'missing') return undefined;
	if (status === 'not-a-file') throw new NodeFileError(`${path} is not a regular file`, 'not-a-file');
	if (status === 'too-large') throw new NodeFileError(`${path} is larger than ${maxFileBytes} bytes`, 'too-large');
	return new TextDecoder().decode(fromBase64(body));
}

/** Writes the text (UTF-8) to the file, making its directory if needed; returns the bytes written. */
export async function writeNodeFile(node: FileHost, path: string, text: string, cwd = home): Promise<number> {
	const file = quote(checkPath(path));
	const bytes = new TextEncoder().encode(text);
	if (bytes.length > maxFileBytes) throw new NodeFileError(`${path}: ${bytes.length} bytes, more than ${maxFileBytes}`, 'too-large');
	const result = await node.exec(`cd ${quote(cwd)} && mkdir -p -- "$(dirname -- ${file})" && printf %s '${toBase64(bytes)}' | base64 -d > ${file}`, { timeoutMs: 30_000 });
	if (result.exit !== 0) throw new NodeFileError(result.stderr.trim() || `writing ${path} failed (exit ${result.exit})`, 'failed');
	return bytes.length;
}
