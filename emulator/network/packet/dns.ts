// DNS messages as service discovery uses them: which names were asked, and which addresses came back.
import { formatIpv4 } from './address.ts';
import { dataView, hex, noBytes, truncated, type HeaderField, type Layer } from './layer.ts';

export const dnsPort = 53;

// DNS: id at 0, flags at 2 (QR in the top bit, opcode in bits 11..14, rcode in the low 4), then the
// question, answer, authority and additional counts at 4, 6, 8, 10; records start at 12.
const idOffset = 0;
const flagsOffset = 2;
const questionCountOffset = 4;
const answerCountOffset = 6;
const headerLength = 12;
const responseBit = 0x8000;
// A compression pointer is two bytes whose top two bits are set; the other 14 give the target offset.
const pointerMask = 0xc0;
const maxPointerJumps = 16;
const maxNameLength = 255;

const typeNames: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV' };
const rcodeNames: Record<number, string> = { 0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED' };

export interface DnsQuestion {
	name: string;
	type: string;
}

export interface DnsAnswer {
	name: string;
	type: string;
	ttl: number;
	/** Dotted address for A, a name for CNAME/PTR/NS; absent for other types. */
	data?: string;
}

export interface DnsMessage {
	id: number;
	/** true for a response, false for a query. */
	qr: boolean;
	rcode: string;
	questions: DnsQuestion[];
	answers: DnsAnswer[];
}

class Malformed extends Error {}

export function decodeDns(bytes: Uint8Array): Layer<DnsMessage> {
	if (bytes.length < headerLength) return truncated('dns', headerLength, bytes.length);
	const view = dataView(bytes);
	const flags = view.getUint16(flagsOffset);
	const header: DnsMessage = {
		id: view.getUint16(idOffset),
		qr: (flags & responseBit) !== 0,
		rcode: rcodeNames[flags & 0x0f] ?? `RCODE${flags & 0x0f}`,
		questions: [],
		answers: [],
	};
	const questionCount = view.getUint16(questionCountOffset);
	const answerCount = view.getUint16(answerCountOffset);
	let offset = headerLength;
	// Counts come from the wire: read records until one runs past the end, and keep what was read.
	try {
		for (let i = 0; i < questionCount; i++) {
			const name = readName(bytes, offset);
			offset = need(bytes, name.end, 4);
			header.questions.push({ name: name.text, type: typeName(view.getUint16(name.end)) });
		}
		for (let i = 0; i < answerCount; i++) {
			const name = readName(bytes, offset);
			const fixed = need(bytes, name.end, 10);
			const type = view.getUint16(name.end);
			const dataLength = view.getUint16(name.end + 8);
			offset = need(bytes, fixed, dataLength);
			header.answers.push({ name: name.text, type: typeName(type), ttl: view.getUint32(name.end + 4), data: readData(bytes, type, fixed, dataLength) });
		}
	} catch (error) {
		if (!(error instanceof Malformed)) throw error;
		return { header, payload: noBytes, error: `malformed dns message: ${error.message}` };
	}
	return { header, payload: noBytes };
}

function typeName(type: number): string {
	return typeNames[type] ?? `TYPE${type}`;
}

/** The offset after `length` more bytes, or Malformed when the message ends before them. */
function need(bytes: Uint8Array, offset: number, length: number): number {
	if (offset + length > bytes.length) throw new Malformed(`record runs past the end at byte ${offset}`);
	return offset + length;
}

function readName(bytes: Uint8Array, start: number): { text: string; end: number } {
	const labels: string[] = [];
	let offset = start;
	let end = -1;
	let length = 0;
	for (let jumps = 0; ; ) {
		need(bytes, offset, 1);
		const size = bytes[offset];
		if (size === 0) break;
		if ((size & pointerMask) === pointerMask) {
			need(bytes, offset, 2);
			if (++jumps > maxPointerJumps) throw new Malformed('name compression loop');
			if (end < 0) end = offset + 2;
			offset = ((size & ~pointerMask) << 8) | bytes[offset + 1];
			continue;
		}
		if (size & pointerMask) throw new Malformed(`label type 0x${size.toString(16)}`);
		need(bytes, offset + 1, size);
		length += size + 1;
		if (length > maxNameLength) throw new Malformed('name longer than 255 bytes');
		labels.push(String.fromCharCode(...bytes.subarray(offset + 1, offset + 1 + size)));
		offset += size + 1;
	}
	return { text: labels.join('.') || '.', end: end < 0 ? offset + 1 : end };
}

function readData(bytes: Uint8Array, type: number, offset: number, length: number): string | undefined {
	if (type === 1 && length === 4) return formatIpv4(bytes, offset);
	if (type === 28 && length === 16) {
		const view = dataView(bytes.subarray(offset, offset + 16));
		return Array.from({ length: 8 }, (_, i) => view.getUint16(i * 2).toString(16)).join(':');
	}
	if (type === 5 || type === 12 || type === 2) return readName(bytes, offset).text;
	return undefined;
}

/** `length`: the message's bytes; its questions and answers are one field, as the summary says them. */
export function dnsFields(message: DnsMessage, length: number): HeaderField[] {
	const records = [...message.questions.map((question) => `${question.type} ${question.name}`), ...message.answers.map((answer) => `${answer.name} ${answer.type} ${answer.data ?? '…'}`)];
	return [
		{ id: 'dns.id', value: hex(message.id, 4), offset: idOffset, length: 2 },
		{ id: 'dns.flags', value: `${message.qr ? 'response' : 'query'}, ${message.rcode}`, offset: flagsOffset, length: 2 },
		{ id: 'dns.questions', value: `${message.questions.length}`, offset: questionCountOffset, length: 2 },
		{ id: 'dns.answers', value: `${message.answers.length}`, offset: answerCountOffset, length: 2 },
		...(length > headerLength ? [{ id: 'dns.records', value: records.join(', ') || '-', offset: headerLength, length: length - headerLength }] : []),
	];
}
