// Debian's Chromium driven by playwright-core, headless, with a fresh profile that is deleted afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

const chromiumArgs = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export interface Browser {
	context: BrowserContext;
	/** Every Content-Security-Policy violation any page reported so far (`securitypolicyviolation` events), as text. */
	cspViolations: string[];
	close(): Promise<void>;
}

/** `test/browser/ensure-test-tools.sh` installs the browser (and tshark) when they are missing. */
export async function launchChromium(options: { locale?: string } = {}): Promise<Browser> {
	const profile = await mkdtemp(join(tmpdir(), 'swarmlab-chromium-'));
	// Playwright passes the profile as --user-data-dir itself; it refuses that flag in args.
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: chromiumPath,
		headless: true,
		args: chromiumArgs,
		viewport: { width: 1280, height: 720 },
		locale: options.locale ?? 'en-US',
		acceptDownloads: true,
	});
	const cspViolations: string[] = [];
	await context.exposeBinding('reportCspViolation', (_source, text: string) => void cspViolations.push(text));
	await context.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (event) => {
			const report = (window as unknown as { reportCspViolation(text: string): void }).reportCspViolation;
			report(`${event.effectiveDirective} refused ${event.blockedURI || 'inline code'} on ${location.pathname} (${event.sourceFile}:${event.lineNumber})`);
		});
	});
	return {
		context,
		cspViolations,
		close: async () => {
			await context.close().catch(() => {});
			await rm(profile, { recursive: true, force: true });
		},
	};
}
