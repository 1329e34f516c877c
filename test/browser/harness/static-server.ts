// Serves a built site as `npm start` does (site/server/static.ts), on a free local port, counting what a page downloads.
import type { AddressInfo } from 'node:net';
import { siteServer } from '../../../site/server/static.ts';

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

/** Whole files only: the image's disk chunks are fetched one file at a time, never with Range requests. */
/** `isolation: false` serves without the cross-origin isolation headers, as a host that cannot set headers. */
export async function serveStatic(dir: string, options: { isolation?: boolean } = {}): Promise<StaticServer> {
	const requests: string[] = [];
	const ranged: string[] = [];
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
