// Boot the image once in v86, load the container images, and save the machine so nodes restore instead of booting.
import { Node } from '../node/node.ts';
import { localVmFiles } from '../node/local-files.ts';
import type { VmManifest } from '../node/vm-files.ts';

// `docker import` sets no environment: give the images the PATH every Debian-based image has.
const pathEnv = `-c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'`;

/**
 * The page cache a saved node keeps: every restore copies each saved page into a new machine (on this 2-core host
 * that copy costs more than inflating it), and the download carries them. Clean pages no process maps are dropped,
 * then what each restore and a student's first command read are brought back: perl and date (the restore's clock
 * and entropy script) and the docker CLI. Measured on a restored node: the first `docker ps` after the drop took
 * 1.9 s instead of 1.1 s, the first `docker run` 7.7 s instead of 5.1 s; later ones read the cache again.
 */
export const trimPageCache = "sync; echo 1 >/proc/sys/vm/drop_caches; perl -e 1; date >/dev/null; docker version >/dev/null";

/** The voting application's images and what each runs (`redis` without a password: only the overlays reach it). */
const votingImageCommands: Record<string, string[]> = {
	redis: ['redis-server', '--protected-mode', 'no'],
	vote: ['/usr/local/bin/web-start', 'vote'],
	worker: ['/usr/local/bin/worker'],
	result: ['/usr/local/bin/web-start', 'result'],
};
export const votingImages = Object.keys(votingImageCommands);

/** Commands run through the agent before saving; each must succeed or the build stops. */
const preparation: { what: string; run: string; timeoutMs: number }[] = [
	{
		what: 'wait for dockerd',
		run: 'for i in $(seq 600); do docker info >/dev/null 2>&1 && exit 0; sleep 1; done; tail -20 /var/log/dockerd.log; exit 1',
		timeoutMs: 620_000,
	},
	{
		what: 'import the busybox image',
		run: [
			'set -e; rm -rf /tmp/bb; mkdir -p /tmp/bb/bin /tmp/bb/etc /tmp/bb/tmp /tmp/bb/root',
			// relative links: `busybox --install` would point them at /tmp/bb, which the image does not have
			'cp /bin/busybox /tmp/bb/bin/busybox; for a in $(/tmp/bb/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "/tmp/bb/bin/$a"; done',
			"printf 'root:x:0:0:root:/root:/bin/sh\\nnobody:x:65534:65534:nobody:/:/bin/false\\n' >/tmp/bb/etc/passwd",
			"printf 'root:x:0:\\nnogroup:x:65534:\\n' >/tmp/bb/etc/group",
			`tar --numeric-owner -C /tmp/bb -c . | docker import ${pathEnv} -c 'CMD ["sh"]' - busybox:latest`,
			'rm -rf /tmp/bb',
		].join('\n'),
		timeoutMs: 300_000,
	},
	{
		what: 'import the nginx image',
		run: `docker import ${pathEnv} -c 'CMD ["/usr/local/bin/nginx-start"]' -c 'EXPOSE 80' /usr/share/swarmlab/images/nginx.tar nginx:latest`,
		timeoutMs: 300_000,
	},
	{
		what: 'import the voting application images',
		run: [
			'set -e',
			...Object.entries(votingImageCommands).map(([image, cmd]) =>
				`docker import ${pathEnv} -c 'CMD ${JSON.stringify(cmd)}' /usr/share/swarmlab/images/voting.tar ${image}:latest`),
			// one layer for the four: the same tar gives the same layer
			'[ "$(docker image inspect --format "{{index .RootFS.Layers 0}}" redis vote worker result | sort -u | wc -l)" = 1 ]',
			'docker run --rm redis redis-server --version',
			'docker run --rm vote redis-cli --version',
		].join('\n'),
		timeoutMs: 300_000,
	},
	// Drop what the imports read, then run once what a student runs first: docker's first container sets up
	// what every later one reuses.
	{ what: 'drop caches', run: 'sync; echo 3 >/proc/sys/vm/drop_caches', timeoutMs: 60_000 },
	{
		what: 'warm the page cache',
		run: [
			'set -e',
			'docker run --rm busybox true',
			'docker run --rm --network none busybox true',
			'docker ps >/dev/null; docker network ls >/dev/null; docker images >/dev/null; docker info >/dev/null',
			"perl -e 'open(my $f, \"<\", \"/dev/urandom\"); ioctl($f, 0x5207, 0)'",
			'date >/dev/null; hostname >/dev/null; ip addr >/dev/null; ip route >/dev/null; stty -a -F /dev/ttyS0 >/dev/null',
			'iptables -w -L -n >/dev/null; iptables -w -t nat -L -n >/dev/null; curl --version >/dev/null; ping -c 1 127.0.0.1 >/dev/null',
			'ps aux >/dev/null; free -m >/dev/null; ls --color=auto /root >/dev/null; less --version >/dev/null; clear -V >/dev/null || true',
			'bash -lic true </dev/null >/dev/null 2>&1 || true',
		].join('\n'),
		timeoutMs: 600_000,
	},
	{ what: 'trim the page cache', run: trimPageCache, timeoutMs: 120_000 },
];

/** Who the prepared node is while it is built: nobody a chapter uses. */
export const baseNode = { name: 'node', ip: '10.0.3.250' };

/** The prepared node's saved state, uncompressed (the state store compresses it with the others). */
export async function buildSnapshot(vmDir: string, manifest: VmManifest, log: (line: string) => void): Promise<Uint8Array> {
	const files = await localVmFiles(vmDir, manifest);
	const node = await Node.boot(files, baseNode, (n) => {
		if (process.env.SWARMLAB_DEBUG) n.console.onData((data) => process.stderr.write(data));
	});
	try {
		for (const step of preparation) {
			const started = performance.now();
			const result = await node.exec(step.run, { timeoutMs: step.timeoutMs });
			if (result.exit !== 0) {
				throw new Error(`snapshot step "${step.what}" failed (exit ${result.exit}):\n${result.stdout}${result.stderr}\nconsole:\n${node.console.text().slice(-3000)}`);
			}
			log(`${step.what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
		}
		const raw = new Uint8Array(await node.saveState());
		log(`state: ${(raw.byteLength / 1e6).toFixed(0)} MB raw`);
		return raw;
	} finally {
		await node.destroy();
	}
}
