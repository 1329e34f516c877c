// The built site over HTTP: sirv (whole files, real 404s, no single-page fallback) with the isolation headers.
// `npm start` serves with it, and so do the browser tests and benchmarks.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { isolationHeaders } from './isolation.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;
type Sirv = (dir: string, options: Record<string, unknown>) => Handler;

// sirv-cli is the declared dependency; its sirv is resolved from there rather than relying on hoisting.
const requireFromCli = createRequire(createRequire(import.meta.url).resolve('sirv-cli/package.json'));
const sirvModule = requireFromCli('sirv') as Sirv | { default: Sirv };
const sirv: Sirv = typeof sirvModule === 'function' ? sirvModule : sirvModule.default;

export interface SiteServerOptions {
	/** Sees each request before it is answered (the tests count what a page downloads). */
	observe?: (req: IncomingMessage, res: ServerResponse) => void;
	/** false: answer as a host that cannot set headers would (the service worker then isolates the page). */
	isolation?: boolean;
}

/** The image's disk chunks and saved-state packs (emulator/image/disk.ts, state-packs.ts). */
const contentNamed = /\/vm\/(disk\/[0-9a-f]{16}\.chunk|states\/[0-9a-f]{16}\.pack)$/;

export function siteServer(dir: string, { observe, isolation = true }: SiteServerOptions = {}): Server {
	const files = sirv(dir, {
		dev: false,
		etag: true,
		setHeaders: (res: ServerResponse, pathname: string) => {
			if (isolation) for (const [name, value] of Object.entries(isolationHeaders)) res.setHeader(name, value);
			// Named by their content: a browser may keep them without asking again.
			if (contentNamed.test(pathname)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
		},
	});
	return createServer((req, res) => {
		observe?.(req, res);
		files(req, res);
	});
}

// `tsx site/server/static.ts <dir>`: serve a built site on 127.0.0.1:$PORT (4173 unless told).
if (import.meta.url === `file://${process.argv[1]}`) {
	const dir = process.argv[2] ?? 'build';
	const port = Number(process.env.PORT ?? 4173);
	siteServer(dir).listen(port, '127.0.0.1', () => console.log(`SwarmLab: http://127.0.0.1:${port}/`));
}
