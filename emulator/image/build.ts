// `npm run vm`: builds static/vm/ (BIOS, kernel, initramfs, root disk chunks, saved state, manifest) with caches keyed by inputs.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { downloadPackages, resolvePackages, type DebPackage } from './apt.ts';
import { cacheDir, isDone, keyOf, sha256File } from './cache.ts';
import { chunkImage, diskChunkSize, makeExt4 } from './disk.ts';
import { buildInitramfs, installModules, moduleClosure, unpackKernel, vmlinuzOf, writeModuleList } from './kernel.ts';
import { guestModules, guestPackages, initramfsModules, nginxImagePackages, notInRootfs, votingImagePackages } from './packages.ts';
import { buildNginxImage, buildVotingImage, configureRootfs, extractPackages, guestDir, pruneRootfs } from './rootfs.ts';
import { ensureHostTools } from './host-tools.ts';
import { run, stage } from './run.ts';
import { buildSavedStates } from './saved-clusters.ts';
import { buildSnapshot, votingImages } from './snapshot.ts';
import { defaultVmDir, localVmFiles } from '../node/local-files.ts';
import { statesIndexPath, type StatesIndex } from '../node/saved-states.ts';
import { vmFileNames, type VmManifest } from '../node/vm-files.ts';

const memoryMB = 384;
const cmdline = 'console=ttyS0 quiet loglevel=3 tsc=reliable mitigations=off random.trust_cpu=on init_on_free=1 ipv6.disable=1 nowatchdog audit=0';
const v86Version: string = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../node_modules/v86/package.json'), 'utf8')).version;

const sourceFiles = (dir: string) =>
	readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => ({ file: join(entry.parentPath, entry.name) }))
		.sort((a, b) => a.file.localeCompare(b.file));

function listFiles(dir: string): Record<string, { size: number; sha256: string }> {
	const files: Record<string, { size: number; sha256: string }> = {};
	for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
		if (!entry.isFile() || entry.name === 'manifest.json' || entry.name === '.done') continue;
		const path = join(entry.parentPath, entry.name);
		files[relative(dir, path)] = { size: statSync(path).size, sha256: sha256File(path) };
	}
	return files;
}

const byName = (debs: DebPackage[], name: string) => {
	const deb = debs.find((d) => d.name === name);
	if (!deb) throw new Error(`package ${name} is missing from the resolved set`);
	return deb;
};

async function buildBase(debs: DebPackage[], out: string): Promise<{ kernel: string; chunks: string[] }> {
	const work = cacheDir('work');
	const kernel = await stage('kernel and modules', () => unpackKernel(debs.find((d) => /^linux-image-\d/.test(d.name))!.file, join(work, 'kernel')));
	const rootfs = join(work, 'rootfs');
	await stage('root filesystem', () => {
		extractPackages(debs.filter((d) => !notInRootfs.some((pattern) => pattern.test(d.name))), rootfs);
		configureRootfs(rootfs);
		pruneRootfs(rootfs);
		installModules(kernel, moduleClosure(kernel, guestModules), rootfs);
		writeModuleList(rootfs, guestModules);
	});
	await stage('nginx image', () =>
		buildNginxImage(nginxImagePackages.map((name) => byName(debs, name)), join(work, 'nginx'), join(rootfs, 'usr/share/swarmlab/images/nginx.tar')),
	);
	await stage('voting application image', () =>
		buildVotingImage(votingImagePackages.map((name) => byName(debs, name)), join(work, 'voting'), join(rootfs, 'usr/share/swarmlab/images/voting.tar')),
	);
	await stage('initramfs', () => {
		const bios = join(work, 'seabios');
		run('dpkg-deb', ['-x', byName(debs, 'seabios').file, bios]);
		cpSync(join(bios, 'usr/share/seabios/bios.bin'), join(out, vmFileNames.bios));
		cpSync(join(bios, 'usr/share/seabios/vgabios-stdvga.bin'), join(out, vmFileNames.vgaBios));
		cpSync(vmlinuzOf(kernel), join(out, vmFileNames.kernel));
		const busybox = readFileSync(join(rootfs, 'bin/busybox'));
		const init = readFileSync(join(guestDir, 'initramfs-init'));
		writeFileSync(join(out, vmFileNames.initrd), buildInitramfs(kernel, moduleClosure(kernel, initramfsModules), busybox, init));
	});
	const chunks = await stage('root disk', () => {
		const image = join(work, 'rootfs.ext4');
		makeExt4(rootfs, image);
		const files = chunkImage(image, out);
		rmSync(image);
		return files;
	});
	return { kernel: kernel.version, chunks };
}

function manifestFor(dir: string, buildKey: string, debs: DebPackage[], kernel: string, chunks: string[]): VmManifest {
	return {
		version: 2,
		buildKey,
		v86: v86Version,
		memoryMB,
		cmdline,
		kernel,
		packages: debs.map(({ name, version }) => ({ name, version })),
		images: ['busybox', 'nginx', ...votingImages],
		disk: { size: chunks.length * diskChunkSize, chunkSize: diskChunkSize, chunks },
		files: listFiles(dir),
	};
}

async function main() {
	const started = performance.now();
	const vmDir = defaultVmDir;
	ensureHostTools();
	const debs = await stage('resolve and download packages', () => {
		const { root, packages } = resolvePackages([...guestPackages, ...nginxImagePackages, ...votingImagePackages]);
		return downloadPackages(root, packages);
	});
	// The base (disk, kernel, initramfs) does not depend on how the snapshot is taken.
	const baseInputs = sourceFiles(import.meta.dirname).filter(({ file }) => !/(build|snapshot|saved-clusters|state-packs)\.ts$/.test(file));
	const baseKey = keyOf(debs.map((d) => d.file).join('\n'), ...baseInputs);
	const base = cacheDir('build', `base-${baseKey}`);
	if (!isDone(base)) {
		rmSync(base, { recursive: true, force: true });
		mkdirSync(base, { recursive: true });
		const { kernel, chunks } = await buildBase(debs, base);
		writeFileSync(join(base, 'manifest.json'), JSON.stringify(manifestFor(base, baseKey, debs, kernel, chunks), null, 1));
		writeFileSync(join(base, '.done'), '');
	}
	const baseManifest: VmManifest = JSON.parse(readFileSync(join(base, 'manifest.json'), 'utf8'));
	// The saved state is the guest's memory: what the host-side Node code looks like does not change it.
	const snapshotKey = keyOf(baseKey, v86Version, cmdline, String(memoryMB), { file: join(import.meta.dirname, 'snapshot.ts') });
	const snapshot = cacheDir('build', `state-${snapshotKey}`);
	const baseState = join(snapshot, 'base.bin');
	if (!isDone(snapshot)) {
		const state = await stage('boot and save state', () => buildSnapshot(base, baseManifest, (line) => console.log(`[vm]   ${line}`)));
		writeFileSync(baseState, state);
		writeFileSync(join(snapshot, 'saved-at'), String(Date.now()));
		writeFileSync(join(snapshot, '.done'), '');
	}
	// The start states: what the guests run and how the store is laid out, not the rest of the host-side code.
	const statesInputs = ['saved-clusters.ts', 'state-packs.ts', '../cluster/swarm.ts', '../node/identity.ts', '../node/saved-states.ts'];
	const statesKey = keyOf(snapshotKey, ...statesInputs.map((file) => ({ file: resolve(import.meta.dirname, file) })));
	const states = cacheDir('build', `states-${statesKey}`);
	if (!isDone(states)) {
		rmSync(states, { recursive: true, force: true });
		await stage('save the start states', async () => {
			const files = await localVmFiles(base, baseManifest);
			const savedAt = Number(readFileSync(join(snapshot, 'saved-at'), 'utf8'));
			await buildSavedStates(files, new Uint8Array(readFileSync(baseState)), savedAt, states, (line) => console.log(`[vm]   ${line}`));
		});
		writeFileSync(join(states, '.done'), '');
	}
	const buildKey = `${baseKey}-${statesKey}`;
	const current = join(vmDir, 'manifest.json');
	if (!existsSync(current) || JSON.parse(readFileSync(current, 'utf8')).buildKey !== buildKey) {
		await stage(`install into ${relative(process.cwd(), vmDir) || vmDir}`, () => {
			rmSync(vmDir, { recursive: true, force: true });
			cpSync(base, vmDir, { recursive: true, filter: (src) => !src.endsWith('.done') && !src.endsWith('manifest.json') });
			cpSync(join(states, 'states'), join(vmDir, 'states'), { recursive: true });
			writeFileSync(current, JSON.stringify(manifestFor(vmDir, buildKey, debs, baseManifest.kernel, baseManifest.disk.chunks), null, 1));
		});
	}
	const manifest: VmManifest = JSON.parse(readFileSync(current, 'utf8'));
	const total = Object.values(manifest.files).reduce((sum, f) => sum + f.size, 0);
	const index: StatesIndex = JSON.parse(readFileSync(join(vmDir, statesIndexPath), 'utf8'));
	const stateBytes = Object.entries(manifest.files).filter(([path]) => path.startsWith('states/')).reduce((sum, [, f]) => sum + f.size, 0);
	console.log(`[vm] static/vm ready: kernel ${manifest.kernel}, ${manifest.packages.length} packages, ${(total / 1e6).toFixed(1)} MB in ${Object.keys(manifest.files).length} files, start states ${Object.keys(index.states).join(', ')} in ${(stateBytes / 1e6).toFixed(1)} MB`);
	console.log(`[vm] total: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error) => {
	console.error(`[vm] build failed: ${error.message}`);
	process.exit(1);
});
