// Reads the machine's own apt sources: its Debian bookworm ones, and the same archives under the trixie suite names
// (no mirror is named in our code).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const suitePattern = /^bookworm(-updates|-security)?$/;

/** The guest's kernel and BIOS come from bookworm (trixie has no i386 kernel); its userland from trixie. */
export const kernelSuite = 'bookworm';
export const userlandSuite = 'trixie';

export interface AptSource {
	uris: string[];
	suites: string[];
	signedBy?: string;
}

function parseDeb822(text: string): AptSource[] {
	const sources: AptSource[] = [];
	for (const stanza of text.split(/\n\s*\n/)) {
		const fields = new Map<string, string>();
		for (const line of stanza.split('\n')) {
			const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
			if (match) fields.set(match[1].toLowerCase(), match[2].trim());
		}
		if (!(fields.get('types') ?? '').split(/\s+/).includes('deb')) continue;
		if ((fields.get('enabled') ?? 'yes') === 'no') continue;
		if (!(fields.get('components') ?? '').split(/\s+/).includes('main')) continue;
		sources.push({
			uris: (fields.get('uris') ?? '').split(/\s+/).filter(Boolean),
			suites: (fields.get('suites') ?? '').split(/\s+/).filter(Boolean),
			signedBy: fields.get('signed-by'),
		});
	}
	return sources;
}

function parseOneLine(text: string): AptSource[] {
	const sources: AptSource[] = [];
	for (const raw of text.split('\n')) {
		const line = raw.replace(/#.*/, '').trim();
		const match = /^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s+(.*)$/.exec(line);
		if (!match || !match[4].split(/\s+/).includes('main')) continue;
		const signedBy = /signed-by=(\S+)/.exec(match[1] ?? '')?.[1];
		sources.push({ uris: [match[2]], suites: [match[3]], signedBy });
	}
	return sources;
}

/** The machine's bookworm sources and their trixie twins, rendered as one deb822 file restricted to i386 main. */
export function guestSources(etc = '/etc/apt'): string {
	const texts: AptSource[] = [];
	const list = join(etc, 'sources.list');
	if (existsSync(list)) texts.push(...parseOneLine(readFileSync(list, 'utf8')));
	const dir = join(etc, 'sources.list.d');
	if (existsSync(dir)) {
		for (const name of readdirSync(dir).sort()) {
			const text = readFileSync(join(dir, name), 'utf8');
			if (name.endsWith('.sources')) texts.push(...parseDeb822(text));
			else if (name.endsWith('.list')) texts.push(...parseOneLine(text));
		}
	}
	const stanzas = texts
		.map((source) => ({ ...source, suites: source.suites.filter((suite) => suitePattern.test(suite)) }))
		.filter((source) => source.suites.length > 0 && source.uris.length > 0)
		.flatMap((source) => [source, { ...source, suites: source.suites.map((suite) => suite.replace(kernelSuite, userlandSuite)) }])
		.map((source) =>
			[
				'Types: deb',
				`URIs: ${source.uris.join(' ')}`,
				`Suites: ${source.suites.join(' ')}`,
				'Components: main',
				'Architectures: i386',
				source.signedBy ? `Signed-By: ${source.signedBy}` : '',
			]
				.filter(Boolean)
				.join('\n'),
		);
	if (stanzas.length === 0) throw new Error(`no Debian bookworm "main" source found in ${etc}/sources.list{,.d}`);
	return stanzas.join('\n\n') + '\n';
}
