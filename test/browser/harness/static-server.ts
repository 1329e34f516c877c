// Serves a built site with sirv, the static server behind sirv-cli (whole files, real 404s, no SPA fallback), on a free local port.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

export interface StaticServer {
	/** Ends with a slash: `http://127.0.0.1:41234/`. */
	url: string;
	/** Paths asked for, in order (`/vm/manifest.json`…), to see what a page downloaded. */
	requests: string[];
	/** Paths asked for with a Range header: the image is made of whole files, so this stays empty. */
	ranged: string[];
	/** Response body bytes sent so far: what a page really downloaded, cache hits excluded. */
	bytesSent(): number;
	close(): Promise<void>;
}

type Sirv = (dir: string, options: Record<string, unknown>) => (req: unknown, res: unknown, next?: () => void) => void;

// sirv-cli is the declared dependency; its sirv is resolved from there rather than relying on hoisting.
const requireFromCli = createRequire(createRequire(import.meta.url).resolve('sirv-cli/package.json'));
const sirvModule = requireFromCli('sirv') as Sirv | { default: Sirv };
const sirv: Sirv = typeof sirvModule === 'function' ? sirvModule : sirvModule.default;

/** Whole files only: the image's disk chunks are fetched one file at a time, never with Range requests. */
export async function serveStatic(dir: string): Promise<StaticServer> {
	const requests: string[] = [];
	const ranged: string[] = [];
	let bytesSent = 0;
	const handler = sirv(dir, {
		dev: false,
		etag: true,
	});
	const server = createServer((req, res) => {
		requests.push(req.url ?? '');
		if (req.headers.range) ranged.push(req.url ?? '');
		const write = res.write.bind(res);
		res.write = ((chunk: Uint8Array | string, ...rest: never[]) => {
			bytesSent += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
			return write(chunk, ...rest);
		}) as typeof res.write;
		handler(req, res);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/`,
		requests,
		ranged,
		bytesSent: () => bytesSent,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
