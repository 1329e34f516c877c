// The Debian tools the build runs on the host; missing ones are installed with the machine's own apt.
import { spawnSync } from 'node:child_process';
import { run } from './run.ts';

const toolPackages: Record<string, string> = { depmod: 'kmod', mke2fs: 'e2fsprogs', zstd: 'zstd', 'dpkg-deb': 'dpkg', tar: 'tar', du: 'coreutils' };

const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

export function ensureHostTools() {
	process.env.PATH = `${process.env.PATH}:/usr/sbin:/sbin`;
	const missing = Object.keys(toolPackages).filter((command) => !has(command));
	if (missing.length === 0) return;
	if (!has('apt-get')) throw new Error(`missing host tools (${missing.join(', ')}) and no apt-get to install them`);
	const packages = [...new Set(missing.map((command) => toolPackages[command]))];
	console.log(`[vm] installing host tools: ${packages.join(' ')}`);
	// A failed secondary index (a mirror mid-sync) must not stop the install of what is available.
	spawnSync('apt-get', ['-q', 'update'], { stdio: 'ignore' });
	run('apt-get', ['-q', 'install', '-y', '--no-install-recommends', ...packages]);
}
