// The kernel side of the image: vmlinuz, the module closure each node needs, and a tiny initramfs.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeCpio, type CpioEntry } from './cpio.ts';
import { run } from './run.ts';

export interface KernelTree {
	dir: string;
	version: string;
	dependencies: Map<string, string[]>; // module name -> relative paths of itself and its deps, deps first
	builtin: Set<string>;
}

const moduleName = (path: string) => basename(path).replace(/\.ko(\.\w+)?$/, '').replace(/-/g, '_');

export function unpackKernel(deb: string, dir: string): KernelTree {
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	run('dpkg-deb', ['-x', deb, dir]);
	const version = readdirSync(join(dir, 'lib/modules'))[0];
	run('depmod', ['-b', dir, version]);
	const modulesDir = join(dir, 'lib/modules', version);
	const dependencies = new Map<string, string[]>();
	for (const line of readFileSync(join(modulesDir, 'modules.dep'), 'utf8').split('\n')) {
		const [module, deps] = line.split(':');
		if (!module) continue;
		// modules.dep lists direct and indirect deps, nearest first: load them in reverse.
		dependencies.set(moduleName(module), [...deps.trim().split(/\s+/).filter(Boolean).reverse(), module]);
	}
	const builtin = new Set(readFileSync(join(modulesDir, 'modules.builtin'), 'utf8').split('\n').filter(Boolean).map(moduleName));
	return { dir, version, dependencies, builtin };
}

/** Module files (relative to lib/modules/VERSION) in load order for the wanted names; built-ins are skipped. */
export function moduleClosure(kernel: KernelTree, wanted: string[]): string[] {
	const ordered: string[] = [];
	for (const name of wanted.map((n) => n.replace(/-/g, '_'))) {
		const files = kernel.dependencies.get(name);
		if (!files) {
			if (kernel.builtin.has(name)) continue;
			throw new Error(`kernel ${kernel.version} has no module "${name}"`);
		}
		for (const file of files) if (!ordered.includes(file)) ordered.push(file);
	}
	return ordered;
}

/** Copy the modules into the root filesystem and index them there. */
export function installModules(kernel: KernelTree, files: string[], rootfs: string) {
	const from = join(kernel.dir, 'lib/modules', kernel.version);
	const to = join(rootfs, 'lib/modules', kernel.version);
	for (const file of files) {
		mkdirSync(dirname(join(to, file)), { recursive: true });
		copyFileSync(join(from, file), join(to, file));
	}
	for (const meta of ['modules.order', 'modules.builtin', 'modules.builtin.modinfo']) copyFileSync(join(from, meta), join(to, meta));
	run('depmod', ['-b', rootfs, kernel.version]);
}

export function buildInitramfs(kernel: KernelTree, files: string[], busybox: Uint8Array, init: Uint8Array): Uint8Array {
	const from = join(kernel.dir, 'lib/modules', kernel.version);
	const dirs = ['bin', 'dev', 'proc', 'sys', 'modules', 'ro', 'rw', 'newroot'];
	const entries: CpioEntry[] = [
		...dirs.map((path) => ({ path, mode: 0o040755 })),
		{ path: 'bin/busybox', mode: 0o100755, data: busybox },
		{ path: 'init', mode: 0o100755, data: init },
		{ path: 'modules/order', mode: 0o100644, data: new TextEncoder().encode(files.map((f) => basename(f)).join('\n') + '\n') },
		...files.map((file) => ({ path: `modules/${basename(file)}`, mode: 0o100644, data: readFileSync(join(from, file)) })),
	];
	return gzipSync(writeCpio(entries), { level: 9 });
}

export const vmlinuzOf = (kernel: KernelTree) => join(kernel.dir, 'boot', `vmlinuz-${kernel.version}`);

export function writeModuleList(rootfs: string, names: string[]) {
	mkdirSync(join(rootfs, 'etc/swarmlab'), { recursive: true });
	writeFileSync(join(rootfs, 'etc/swarmlab/modules'), names.join('\n') + '\n');
}
