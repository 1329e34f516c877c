// Who a node is after a restore: the shell script that gives a snapshot its own name, address, MAC, clock and randomness.

export interface NodeIdentity {
	name: string;
	ip: string; // on the underlay /24
	mac?: string;
	/** Every node of the cluster, for /etc/hosts. */
	peers?: { name: string; ip: string }[];
}

/** A locally administered MAC derived from the IP, so captures stay readable (02:5a:0a:00:03:3e for 10.0.3.62). */
export function macFor(ip: string): string {
	return ['02', '5a', ...ip.split('.').map((part) => Number(part).toString(16).padStart(2, '0'))].join(':');
}

function randomHex(bytes: number): string {
	const data = crypto.getRandomValues(new Uint8Array(bytes));
	return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The guest's wall clock and entropy after any restore: the host's time (never before the state was saved: its
 * certificates start then) and fresh random bytes mixed into the pool and reseeded into the CRNG at once
 * (RNDRESEEDCRNG), since every restore of a state starts from the same RNG state. One perl does all three: each
 * program a just-restored guest starts costs it about 0.2 s. 79 is settimeofday on i386, whose timeval is two longs.
 */
function clockAndEntropy(now: number): string {
	const seconds = Math.floor(now / 1000);
	const micros = Math.floor((now % 1000) * 1000);
	return (
		`perl -e 'my $tv = pack("ll", ${seconds}, ${micros}); syscall(79, $tv, 0) == 0 or die "settimeofday: $!"; ` +
		`open(my $w, ">", "/dev/urandom") or die; print $w "${randomHex(64)}"; close $w; ` +
		`open(my $r, "<", "/dev/urandom") or die; ioctl($r, 0x5207, 0) or die "reseed: $!"'`
	);
}

/** A node restored from a state it saved itself (same name, address, MAC): only the clock and entropy are renewed. */
export function resumeScript(now: number): string {
	return clockAndEntropy(now);
}

/** Gives a node restored from another node's state its own name, address and MAC, then starts its console. */
export function identityScript(identity: NodeIdentity, now = Date.now()): string {
	const mac = identity.mac ?? macFor(identity.ip);
	const hosts = ['127.0.0.1\tlocalhost', ...(identity.peers ?? [identity]).map((peer) => `${peer.ip}\t${peer.name}`)].join('\n');
	return [
		'set -e',
		clockAndEntropy(now),
		`hostname ${identity.name}`,
		`echo ${identity.name} >/etc/hostname`,
		`printf '%s\\n' '${hosts.replace(/'/g, '')}' >/etc/hosts`,
		'ip link set eth0 down',
		`ip link set eth0 address ${mac}`,
		'ip addr flush dev eth0',
		`ip addr add ${identity.ip}/24 dev eth0`,
		'ip link set eth0 up',
		// Start the student's console now that the prompt can show the right hostname.
		'[ -p /run/swarmlab/console.go ] && timeout 2 sh -c "echo go >/run/swarmlab/console.go" || true',
	].join('\n');
}
