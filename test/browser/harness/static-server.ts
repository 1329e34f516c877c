// Serves a built site as `npm start` does (site/server/static.ts), on a free local port, counting what a page downloads.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { siteServer } from '../../../site/server/static.ts';

export interface StaticServer {
	/** Ends with a slash: `http://127.0.0.1:41234/`. */
	url: string;
	/** Paths asked for, in order (`/vm/manifest.json`…), to see what a page downloaded. */
	requests: string[];
	/** Paths asked for with a Range header: the image is made of whole files, so this stays empty. */
	ranged: string[];
	/** Paths answered 503 on purpose (`failEvery`). */
	failed: string[];
	/** Response body bytes sent so far: what a page really downloaded, cache hits excluded. */
	bytesSent(): number;
	close(): Promise<void>;
}

/** Whole files only: the image's disk chunks are fetched one file at a time, never with Range requests. */
/**
 * `isolation: false` serves without the cross-origin isolation headers, as a host that cannot set headers;
 * `failEvery: n` answers every n-th request for the machine image (`/vm/…`) with 503, as a flaky network would,
 * counted apart for the saved states, the disk's chunks and the other files, so that each kind meets failures.
 */
export async function serveStatic(dir: string, options: { isolation?: boolean; failEvery?: number } = {}): Promise<StaticServer> {
	const requests: string[] = [];
	const ranged: string[] = [];
	const failed: string[] = [];
	const imageRequests = new Map<string, number>();
	let bytesSent = 0;
	const server = siteServer(dir, {
		isolation: options.isolation,
		observe: (req, res) => {
			requests.push(req.url ?? '');
			if (req.headers.range) ranged.push(req.url ?? '');
			const write = res.write.bind(res);
			res.write = ((chunk: Uint8Array | string, ...rest: never[]) => {
				bytesSent += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
				return write(chunk, ...rest);
			}) as typeof res.write;
		},
	});
	if (options.failEvery) {
		const [serve] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
		server.removeAllListeners('request');
		server.on('request', (req: IncomingMessage, res: ServerResponse) => {
			const image = /^\/vm\/(?:(states|disk)\/)?/.exec(req.url ?? '');
			const kind = image?.[1] ?? 'file';
			const count = (imageRequests.get(kind) ?? 0) + 1;
			if (image) imageRequests.set(kind, count);
			if (image && count % options.failEvery! === 0) {
				failed.push(req.url!);
				res.writeHead(503).end();
				return;
			}
			serve(req, res);
		});
	}
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/`,
		requests,
		ranged,
		failed,
		bytesSent: () => bytesSent,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
