// A private apt (its own state, i386 only) that resolves and downloads Debian packages without touching the host's dpkg.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { guestSources, kernelSuite, userlandSuite } from './apt-sources.ts';
import { cacheDir, keyOf } from './cache.ts';
import { run } from './run.ts';

export interface DebPackage {
	name: string;
	version: string;
	file: string;
}

function aptDirs(sources: string) {
	const root = cacheDir('apt', keyOf(sources));
	for (const sub of ['etc/sources.list.d', 'etc/preferences.d', 'etc/apt.conf.d', 'lists/partial', 'cache/archives/partial']) {
		mkdirSync(join(root, sub), { recursive: true });
	}
	writeFileSync(join(root, 'etc/sources.list.d/guest.sources'), sources);
	writeFileSync(join(root, 'status'), '');
	return root;
}

function aptOptions(root: string): string[] {
	const options = {
		'Dir::Etc': join(root, 'etc'),
		'Dir::Etc::TrustedParts': '/etc/apt/trusted.gpg.d',
		'Dir::State': root,
		'Dir::State::Lists': join(root, 'lists'),
		'Dir::State::status': join(root, 'status'),
		'Dir::Cache': join(root, 'cache'),
		'APT::Architecture': 'i386',
		'APT::Architectures::': 'i386',
		'APT::Install-Recommends': 'false',
		// Everything from trixie unless a package is asked for as name/bookworm (the kernel, the BIOS).
		'APT::Default-Release': userlandSuite,
		'Debug::NoLocking': 'true',
		'APT::Sandbox::User': 'root',
		'Acquire::Retries': '3',
	};
	return Object.entries(options).flatMap(([key, value]) => ['-o', `${key}=${value}`]);
}

/** apt-get update; a failed secondary index (e.g. a mirror mid-sync) is a warning as long as both main indexes arrived. */
function updateLists(root: string, options: string[]) {
	const result = spawnSync('apt-get', [...options, '-q', 'update'], { encoding: 'utf8' });
	if (result.status === 0) return;
	const lists = readdirSync(join(root, 'lists'));
	const missing = [kernelSuite, userlandSuite].filter((suite) => !lists.some((name) => name.includes(`_dists_${suite}_main_binary-i386_Packages`)));
	if (missing.length > 0) {
		throw new Error(`apt-get update failed:\n${result.stderr}`);
	}
	console.warn(`[vm] warning: some apt indexes failed, continuing with the others:\n${result.stderr.trim()}`);
}

/** Resolve the dependency closure of `wanted` (no recommends), newest versions of the machine's sources. */
export function resolvePackages(wanted: string[]): { root: string; packages: { name: string; version: string }[] } {
	const sources = guestSources();
	const root = aptDirs(sources);
	const options = aptOptions(root);
	if (!existsSync(join(root, 'lists', '.updated'))) {
		updateLists(root, options);
		writeFileSync(join(root, 'lists', '.updated'), new Date().toISOString());
	}
	const plan = run('apt-get', [...options, '-s', 'install', ...wanted]);
	const packages = [...plan.matchAll(/^Inst (\S+) \((\S+)/gm)].map((m) => ({ name: m[1].replace(/:i386$/, ''), version: m[2] }));
	if (packages.length === 0) throw new Error(`apt resolved no packages for: ${wanted.join(' ')}`);
	return { root, packages };
}

/** Download exact versions into the shared deb cache (skipping what is there already). */
export function downloadPackages(root: string, packages: { name: string; version: string }[]): DebPackage[] {
	const debs = cacheDir('debs');
	const fileOf = (p: { name: string; version: string }) => `${p.name}_${p.version}_`;
	const have = readdirSync(debs);
	const missing = packages.filter((p) => !have.some((f) => f.startsWith(fileOf(p))));
	if (missing.length > 0) {
		const partial = join(debs, 'partial');
		mkdirSync(partial, { recursive: true });
		run('apt-get', [...aptOptions(root), '-q', 'download', ...missing.map((p) => `${p.name}:i386=${p.version}`)], { cwd: partial });
		for (const file of readdirSync(partial)) renameSync(join(partial, file), join(debs, decodeURIComponent(file)));
	}
	const all = readdirSync(debs);
	return packages.map((p) => {
		const file = all.find((f) => f.startsWith(fileOf(p)) && f.endsWith('.deb'));
		if (!file) throw new Error(`package ${p.name} ${p.version} was not downloaded`);
		return { ...p, file: join(debs, file) };
	});
}
