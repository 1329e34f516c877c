// Addresses as people read them in captures: MACs as 02:42:0a:00:01:02, IPv4 as 10.0.1.2.

export function formatMac(bytes: Uint8Array, offset = 0): string {
	let text = '';
	for (let i = 0; i < 6; i++) text += (i ? ':' : '') + (bytes[offset + i] ?? 0).toString(16).padStart(2, '0');
	return text;
}

export function formatIpv4(bytes: Uint8Array, offset = 0): string {
	return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** The 48-bit MAC at offset as a number, so the switch can key its table without building strings per frame. */
export function macNumber(bytes: Uint8Array, offset = 0): number {
	return (bytes[offset] * 2 ** 40) + (bytes[offset + 1] * 2 ** 32) + ((bytes[offset + 2] << 24) >>> 0) + (bytes[offset + 3] << 16) + (bytes[offset + 4] << 8) + bytes[offset + 5];
}

export function macFromNumber(mac: number): string {
	const bytes = new Uint8Array(6);
	for (let i = 5, rest = mac; i >= 0; i--, rest = Math.floor(rest / 256)) bytes[i] = rest % 256;
	return formatMac(bytes);
}
