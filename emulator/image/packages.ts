// What goes into the guest: Debian packages, kernel modules, and the packages of the preloaded container images.
import { kernelSuite } from './apt-sources.ts';


/** Packages whose dependency closure forms the node's root filesystem; name/suite picks a suite other than the userland's. */
export const guestPackages = [
	`linux-image-686/${kernelSuite}`, `seabios/${kernelSuite}`, 'busybox-static',
	// crun is the default runtime (a C program: one container start runs it four times); runc stays for comparison.
	// socat sends dockerd the network namespace of a new container (swarmlab-setkey).
	'docker.io', 'docker-cli', 'containerd', 'crun', 'runc', 'tini', 'socat', 'iptables', 'iproute2', 'ipvsadm', 'tcpdump', 'ethtool',
	'util-linux', 'mount', 'procps', 'psmisc', 'iputils-ping', 'curl', 'jq', 'iperf3', 'bash', 'bash-completion',
	'coreutils', 'grep', 'sed', 'findutils', 'gzip', 'tar', 'hostname', 'netbase', 'libc-bin', 'less',
	'vim-tiny', 'nano', 'kmod', 'ncurses-base', 'ncurses-bin', 'perl-base', 'mawk',
	// loadable builtins (rm, sleep): the guest agent does its own work without starting processes
	'bash-builtins',
];

/** Pulled in by dependencies but useless without maintainer scripts, or shipped separately (kernel, BIOS). */
export const notInRootfs = [
	/^perl$/, /^perl-modules/, /^libperl/, /-perl$/, /^usrmerge$/, /^udev$/, /^initramfs-tools/, /klibc/, /^linux-base$/, /^debconf$/,
	/^adduser$/, /^passwd$/, /^libpam/, /^libsemanage/, /^dpkg$/, /^seabios$/, /^linux-image/, /^cpio$/,
	/^init-system-helpers$/, /^logsave$/, /^systemd$/, /^libsystemd-shared$/, /^dracut/,
];

/** Packages of the `nginx` container image (a real nginx from Debian, plus busybox for its start script). */
export const nginxImagePackages = [
	'nginx', 'nginx-common', 'libc6', 'libgcc-s1', 'libpcre2-8-0', 'libssl3t64', 'libzstd1', 'zlib1g', 'libcrypt1', 'busybox-static',
];

/**
 * Packages of the voting application's images: Redis from Debian (`redis-server` is a link to the binary in
 * `redis-tools`) and the libraries it links, busybox for our programs. PostgreSQL, the original's database, is not
 * one of them: Debian's pulls in LLVM and ICU (over 200 MB installed) for nodes of 384 MB; `db` is a second Redis
 * that keeps its data on a volume (append-only file).
 */
export const votingImagePackages = [
	'redis-server', 'redis-tools', 'libc6', 'libgcc-s1', 'libstdc++6', 'libatomic1', 'libjemalloc2', 'liblzf1', 'libssl3t64',
	'libzstd1', 'zlib1g', 'libsystemd0', 'libcap2', 'busybox-static',
];

/** Kernel modules every node loads at boot; their dependencies are added from modules.dep. */
export const guestModules = [
	'virtio_pci', 'virtio_net', 'overlay', 'bridge', 'br_netfilter', 'veth', 'vxlan', 'dummy',
	'ip_tables', 'iptable_nat', 'iptable_filter', 'iptable_mangle', 'iptable_raw', 'nf_nat', 'nf_conntrack',
	'xt_conntrack', 'xt_MASQUERADE', 'xt_addrtype', 'xt_nat', 'xt_tcpudp', 'xt_mark', 'xt_comment', 'xt_multiport',
	'xt_REDIRECT', 'xt_u32', 'xt_bpf', 'xt_policy', 'xt_ipvs', 'ip_vs', 'ip_vs_rr',
	'esp4', 'xfrm_user', 'xfrm_algo', 'xfrm4_tunnel', 'af_key', 'gcm', 'ghash-generic', 'ctr', 'seqiv', 'echainiv',
	'authenc', 'aes_generic', 'cbc', 'sha256_generic', 'hmac',
	// seqiv and echainiv seed their IVs from the kernel's default RNG (stdrng): without it ESP states cannot be added.
	'drbg', 'jitterentropy_rng',
];

/** Modules the initramfs needs to reach the root disk and overlay it with a RAM layer. */
export const initramfsModules = ['ata_piix', 'sd_mod', 'crc32c_generic', 'ext4', 'overlay'];
