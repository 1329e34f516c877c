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

export function identityScript(identity: NodeIdentity, now = Date.now()): string {
	const mac = identity.mac ?? macFor(identity.ip);
	const hosts = ['127.0.0.1\tlocalhost', ...(identity.peers ?? [identity]).map((peer) => `${peer.ip}\t${peer.name}`)].join('\n');
	const seconds = (now / 1000).toFixed(3);
	return [
		'set -e',
		`date -u -s @${seconds} >/dev/null`,
		// Restored nodes share the snapshot's RNG state: mix in fresh bytes and force a reseed (RNDRESEEDCRNG).
		`echo ${randomHex(64)} >/dev/urandom`,
		`perl -e 'open(my $f, "<", "/dev/urandom") or die; ioctl($f, 0x5207, 0) or die "reseed: $!"'`,
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
