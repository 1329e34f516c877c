// Captures as libpcap files, the format tcpdump and Wireshark open: written for download, read back for fixtures.
import { dataView } from './packet/layer.ts';

// pcap global header (24 bytes): magic, version 2.4, thiszone, sigfigs, snaplen, link type.
const magicMicroseconds = 0xa1b2c3d4;
const magicNanoseconds = 0xa1b23c4d;
const globalHeaderLength = 24;
const versionMajorOffset = 4;
const versionMinorOffset = 6;
const snaplenOffset = 16;
const linkTypeOffset = 20;
// Record header (16 bytes): seconds, sub-second part, bytes included, bytes on the wire.
const recordHeaderLength = 16;
const secondsOffset = 0;
const fractionOffset = 4;
const includedOffset = 8;
const originalOffset = 12;

export const snaplen = 65535;
export const linkTypeEthernet = 1;

export interface PcapFrame {
	/** Milliseconds since the epoch. */
	time: number;
	frame: Uint8Array;
}

export interface PcapRecord extends PcapFrame {
	/** Length on the wire; larger than frame.length when the capture cut the frame. */
	originalLength: number;
}

export function toPcap(records: Iterable<PcapFrame>): Uint8Array {
	const list = [...records];
	const size = list.reduce((total, record) => total + recordHeaderLength + Math.min(record.frame.length, snaplen), globalHeaderLength);
	const bytes = new Uint8Array(size);
	const view = dataView(bytes);
	view.setUint32(0, magicMicroseconds, true);
	view.setUint16(versionMajorOffset, 2, true);
	view.setUint16(versionMinorOffset, 4, true);
	view.setUint32(snaplenOffset, snaplen, true);
	view.setUint32(linkTypeOffset, linkTypeEthernet, true);
	let offset = globalHeaderLength;
	for (const { time, frame } of list) {
		const seconds = Math.floor(time / 1000);
		// Clock times can be fractional milliseconds; a rounding up to a full second must not overflow the field.
		const microseconds = Math.min(999_999, Math.round((time - seconds * 1000) * 1000));
		const included = Math.min(frame.length, snaplen);
		view.setUint32(offset + secondsOffset, seconds, true);
		view.setUint32(offset + fractionOffset, microseconds, true);
		view.setUint32(offset + includedOffset, included, true);
		view.setUint32(offset + originalOffset, frame.length, true);
		bytes.set(frame.subarray(0, included), offset + recordHeaderLength);
		offset += recordHeaderLength + included;
	}
	return bytes;
}

/** Either byte order, micro- or nanosecond timestamps; Ethernet only. Throws with the byte offset on a bad file. */
export function parsePcap(bytes: Uint8Array): PcapRecord[] {
	if (bytes.length < globalHeaderLength) throw new Error(`pcap: ${bytes.length} bytes is shorter than the 24-byte file header`);
	const view = dataView(bytes);
	const magicLe = view.getUint32(0, true);
	const magicBe = view.getUint32(0, false);
	const little = magicLe === magicMicroseconds || magicLe === magicNanoseconds;
	if (!little && magicBe !== magicMicroseconds && magicBe !== magicNanoseconds) {
		throw new Error(`pcap: magic 0x${magicLe.toString(16)} is not a libpcap file (pcapng is not supported)`);
	}
	const fractionsPerMs = (little ? magicLe : magicBe) === magicNanoseconds ? 1_000_000 : 1000;
	const linkType = view.getUint32(linkTypeOffset, little);
	if (linkType !== linkTypeEthernet) throw new Error(`pcap: link type ${linkType} is not Ethernet (${linkTypeEthernet})`);
	const records: PcapRecord[] = [];
	for (let offset = globalHeaderLength; offset < bytes.length; ) {
		if (offset + recordHeaderLength > bytes.length) throw new Error(`pcap: record ${records.length + 1} header cut at byte ${offset}`);
		const included = view.getUint32(offset + includedOffset, little);
		const start = offset + recordHeaderLength;
		if (start + included > bytes.length) throw new Error(`pcap: record ${records.length + 1} cut at byte ${bytes.length} (needs ${included} bytes from ${start})`);
		records.push({
			time: view.getUint32(offset + secondsOffset, little) * 1000 + view.getUint32(offset + fractionOffset, little) / fractionsPerMs,
			frame: bytes.slice(start, start + included),
			originalLength: view.getUint32(offset + originalOffset, little),
		});
		offset = start + included;
	}
	return records;
}
