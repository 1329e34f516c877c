// The node's root filesystem: Debian packages extracted without maintainer scripts, then the few things those scripts would have done.
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DebPackage } from './apt.ts';
import { run } from './run.ts';

export const guestDir = join(import.meta.dirname, 'guest');

export function extractPackages(debs: DebPackage[], dir: string) {
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	for (const deb of debs) run('dpkg-deb', ['-x', deb.file, dir]);
}

function link(rootfs: string, path: string, target: string) {
	const at = join(rootfs, path);
	rmSync(at, { recursive: true, force: true });
	mkdirSync(dirname(at), { recursive: true });
	symlinkSync(target, at);
}

function write(rootfs: string, path: string, text: string, mode = 0o644) {
	const at = join(rootfs, path);
	mkdirSync(dirname(at), { recursive: true });
	writeFileSync(at, text);
	chmodSync(at, mode);
}

function install(rootfs: string, guestFile: string, path: string, mode = 0o755) {
	mkdirSync(dirname(join(rootfs, path)), { recursive: true });
	copyFileSync(join(guestDir, guestFile), join(rootfs, path));
	chmodSync(join(rootfs, path), mode);
}

/** What dpkg's maintainer scripts and alternatives would have set up, plus SwarmLab's init, agent and console. */
export function configureRootfs(rootfs: string) {
	write(rootfs, 'etc/passwd', 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n');
	write(rootfs, 'etc/group', 'root:x:0:\ndaemon:x:1:\ntty:x:5:\ndocker:x:999:\nnogroup:x:65534:\n');
	write(rootfs, 'etc/shadow', 'root:*:19000:0:99999:7:::\n', 0o600);
	write(rootfs, 'etc/hostname', 'node\n');
	write(rootfs, 'etc/hosts', '127.0.0.1\tlocalhost\n');
	write(rootfs, 'etc/resolv.conf', '');
	write(rootfs, 'etc/nsswitch.conf', 'passwd: files\ngroup: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n');
	write(rootfs, 'etc/profile', 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nexport EDITOR=vi PAGER=less LANG=C.UTF-8\n');
	write(rootfs, 'root/.profile', '[ -f ~/.bashrc ] && . ~/.bashrc\n');
	install(rootfs, 'bashrc', 'root/.bashrc', 0o644);
	install(rootfs, 'daemon.json', 'etc/docker/daemon.json', 0o644);
	install(rootfs, 'swarmlab-init', 'sbin/swarmlab-init');
	install(rootfs, 'swarmlab-agent', 'usr/local/sbin/swarmlab-agent');
	install(rootfs, 'swarmlab-console', 'usr/local/sbin/swarmlab-console');
	install(rootfs, 'swarmlab-xfrm', 'usr/local/sbin/swarmlab-xfrm');
	install(rootfs, 'swarmlab-crun', 'usr/local/sbin/swarmlab-crun');
	install(rootfs, 'swarmlab-setkey', 'usr/local/sbin/swarmlab-setkey');
	// Debian's alternatives, set by hand: Docker 20.10 drives iptables-legacy.
	for (const tool of ['iptables', 'iptables-save', 'iptables-restore', 'ip6tables', 'ip6tables-save', 'ip6tables-restore']) {
		link(rootfs, `usr/sbin/${tool}`, tool.replace(/^(ip6?tables)/, '$1-legacy'));
	}
	link(rootfs, 'bin/sh', 'bash');
	link(rootfs, 'usr/bin/vi', 'vim.tiny');
	link(rootfs, 'usr/bin/vim', 'vim.tiny');
	link(rootfs, 'usr/bin/editor', 'nano');
	link(rootfs, 'usr/bin/which', 'which.debianutils');
	link(rootfs, 'usr/bin/awk', 'mawk');
	// As on any Debian system: Docker keeps its sockets and network namespaces in /run (/run/docker/netns).
	link(rootfs, 'var/run', '/run');
	link(rootfs, 'var/lock', '/run/lock');
	for (const dir of ['var/lib/docker', 'var/lib/containerd', 'var/log', 'run', 'tmp', 'proc', 'sys', 'dev', 'root', 'mnt']) {
		mkdirSync(join(rootfs, dir), { recursive: true });
	}
	chmodSync(join(rootfs, 'tmp'), 0o1777);
}

/** Remove what a lab never reads: docs, man pages, locales, the package manager's own state. */
export function pruneRootfs(rootfs: string) {
	for (const path of [
		'usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale', 'usr/share/lintian', 'usr/share/bug',
		'usr/share/zsh', 'usr/share/fish', 'usr/share/vim/vim90/doc', 'usr/share/i18n', 'usr/include', 'var/cache',
		'usr/share/common-licenses', 'usr/share/debconf', 'usr/share/gcc', 'usr/share/gdb', 'etc/init.d', 'etc/rc0.d',
		'lib/systemd', 'usr/lib/systemd', 'etc/systemd', 'usr/share/initramfs-tools', 'etc/cron.daily', 'etc/logrotate.d',
	]) {
		rmSync(join(rootfs, path), { recursive: true, force: true });
	}
}

/**
 * A container image's file tree from Debian packages (merged /usr, busybox applets for its scripts), tarred for
 * `docker import`. `fill` adds what the image's own programs need; `programs` must exist or the build stops.
 */
function buildImage(
	debs: DebPackage[], dir: string, tarPath: string,
	image: { applets: string[]; programs: string[]; fill: (dir: string) => void },
) {
	extractPackages(debs, dir);
	pruneRootfs(dir);
	// glibc's character set converters (8 MB): nothing in these images calls iconv.
	rmSync(join(dir, 'usr/lib/i386-linux-gnu/gconv'), { recursive: true, force: true });
	// Debian's merged /usr (base-files makes these links on a full system): the loader is found as /lib/ld-linux.so.2.
	for (const alias of ['bin', 'sbin', 'lib']) {
		if (!existsSync(join(dir, alias))) symlinkSync(`usr/${alias}`, join(dir, alias));
	}
	for (const applet of image.applets) link(dir, `usr/bin/${applet}`, 'busybox');
	mkdirSync(join(dir, 'tmp'), { recursive: true });
	chmodSync(join(dir, 'tmp'), 0o1777);
	image.fill(dir);
	for (const program of image.programs) {
		if (!existsSync(join(dir, program))) throw new Error(`the image ${tarPath} has no /${program}`);
	}
	mkdirSync(dirname(tarPath), { recursive: true });
	run('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', dir, '-cf', tarPath, '.']);
}

/** The `nginx` image: Debian's nginx, its libraries, busybox, our start script. */
export function buildNginxImage(debs: DebPackage[], dir: string, tarPath: string) {
	buildImage(debs, dir, tarPath, {
		applets: ['sh', 'hostname', 'ip', 'awk', 'cat', 'ls', 'ps', 'ping', 'wget', 'nslookup', 'sleep', 'echo'],
		programs: ['usr/sbin/nginx'],
		fill: (root) => {
			write(root, 'etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/bin/false\n');
			write(root, 'etc/group', 'root:x:0:\nwww-data:x:33:\n');
			write(root, 'etc/nginx/nginx.conf', [
				'user www-data;', 'worker_processes 1;', 'pid /run/nginx.pid;', 'error_log stderr;', 'events { worker_connections 256; }',
				'http {', '  include /etc/nginx/mime.types;', '  access_log /dev/stdout;',
				'  server { listen 80 default_server; root /usr/share/nginx/html; index index.html; }', '}', '',
			].join('\n'));
			for (const sub of ['run', 'var/lib/nginx', 'var/log/nginx', 'usr/share/nginx/html']) mkdirSync(join(root, sub), { recursive: true });
			install(root, 'nginx-start', 'usr/local/bin/nginx-start');
		},
	});
}

/**
 * One file tree for the voting application's four images (`docker import`ed four times with different commands,
 * so Docker keeps one layer): Debian's Redis (`redis-server`, `redis-cli`), busybox, and our `vote`, `worker` and
 * `result` programs (guest/voting/).
 */
export function buildVotingImage(debs: DebPackage[], dir: string, tarPath: string) {
	buildImage(debs, dir, tarPath, {
		applets: ['sh', 'hostname', 'httpd', 'cat', 'cp', 'mkdir', 'echo', 'sleep', 'tail', 'ls', 'ps', 'ip', 'ping', 'wget', 'nslookup'],
		programs: ['usr/bin/redis-server', 'usr/bin/redis-cli'],
		fill: (root) => {
			write(root, 'etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n');
			write(root, 'etc/group', 'root:x:0:\n');
			mkdirSync(join(root, 'data'), { recursive: true });
			install(root, 'voting/vote.cgi', 'usr/local/lib/voting/vote.cgi');
			install(root, 'voting/result.cgi', 'usr/local/lib/voting/result.cgi');
			install(root, 'voting/web-start', 'usr/local/bin/web-start');
			install(root, 'voting/worker', 'usr/local/bin/worker');
		},
	});
}
