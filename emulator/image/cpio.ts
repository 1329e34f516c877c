// A minimal newc cpio writer for the initramfs (no host cpio needed, no root needed).
export interface CpioEntry {
	path: string;
	mode: number; // full st_mode, e.g. 0o100755 for an executable file
	data?: Uint8Array;
}

const encoder = new TextEncoder();
const hex8 = (value: number) => value.toString(16).padStart(8, '0');
const pad4 = (length: number) => (4 - (length % 4)) % 4;

export function writeCpio(entries: CpioEntry[]): Uint8Array {
	const parts: Uint8Array[] = [];
	const add = (inode: number, entry: CpioEntry) => {
		const name = encoder.encode(entry.path + '\0');
		const data = entry.data ?? new Uint8Array(0);
		// newc header: magic then 13 eight-digit hex fields
		const fields = [inode, entry.mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, name.length, 0];
		parts.push(encoder.encode('070701' + fields.map(hex8).join('')), name, new Uint8Array(pad4(110 + name.length)));
		parts.push(data, new Uint8Array(pad4(data.length)));
	};
	entries.forEach((entry, index) => add(index + 1, entry));
	add(0, { path: 'TRAILER!!!', mode: 0 });
	const total = parts.reduce((sum, part) => sum + part.length, 0);
	const out = new Uint8Array(total);
	let offset = 0;
	for (const part of parts) {
		out.set(part, offset);
		offset += part.length;
	}
	return out;
}
