import { expect, test } from 'vitest';
import { decodeDns } from '../../../../emulator/network/packet/dns.ts';
import { hex, syntheticFrames } from '../fixtures/synthetic-frames.ts';

// DNS messages start after Ethernet (14), IPv4 (20) and UDP (8).
const dnsOf = (bytes: Uint8Array) => bytes.subarray(42);
const answer = dnsOf(syntheticFrames.dnsAnswer.bytes);

test.each([
	['query', dnsOf(syntheticFrames.dnsQuery.bytes), { id: 0x1f2e, qr: false, rcode: 'NOERROR', questions: [{ name: 'web', type: 'A' }], answers: [] }],
	['answer', answer, { id: 0x1f2e, qr: true, rcode: 'NOERROR', questions: [{ name: 'web', type: 'A' }], answers: [{ name: 'web', type: 'A', ttl: 600, data: '10.0.1.5' }] }],
])('%s', (_, bytes, message) => {
	const layer = decodeDns(bytes);
	expect(layer.header).toEqual(message);
	expect(layer.error).toBeUndefined();
});

test('several answers, a CNAME and an NXDOMAIN code are read as written', () => {
	const bytes = hex(`
		00 07 81 83 00 01 00 02 00 00 00 00               # id 7, response, NXDOMAIN, 1 question, 2 answers
		05 74 61 73 6b 73 03 77 65 62 00 00 01 00 01      # tasks.web A IN
		c0 0c 00 05 00 01 00 00 00 3c 00 02 c0 12         # tasks.web CNAME → web (pointer to offset 18)
		c0 12 00 01 00 01 00 00 00 3c 00 04 0a 00 01 06   # web A 10.0.1.6
	`);
	expect(decodeDns(bytes).header).toEqual({
		id: 7,
		qr: true,
		rcode: 'NXDOMAIN',
		questions: [{ name: 'tasks.web', type: 'A' }],
		answers: [
			{ name: 'tasks.web', type: 'CNAME', ttl: 60, data: 'web' },
			{ name: 'web', type: 'A', ttl: 60, data: '10.0.1.6' },
		],
	});
});

test.each([
	['cut inside the answer', answer.subarray(0, answer.length - 2), 1, 0, 'malformed dns message: record runs past the end at byte 33'],
	['cut inside the question', answer.subarray(0, 15), 0, 0, 'malformed dns message: record runs past the end at byte 13'],
	['a pointer to itself', hex('00 01 80 00 00 01 00 00 00 00 00 00 c0 0c 00 01 00 01'), 0, 0, 'malformed dns message: name compression loop'],
	['counts far beyond the data', hex('00 01 80 00 ff ff ff ff 00 00 00 00 03 77 65 62 00 00 01 00 01'), 1, 0, 'malformed dns message: record runs past the end at byte 21'],
	['a reserved label type', hex('00 01 00 00 00 01 00 00 00 00 00 00 40 00 00 01 00 01'), 0, 0, 'malformed dns message: label type 0x40'],
])('%s: what was read, and why it stopped', (_, bytes, questions, answers, error) => {
	const layer = decodeDns(bytes);
	expect(layer.header?.questions).toHaveLength(questions);
	expect(layer.header?.answers).toHaveLength(answers);
	expect(layer.error).toBe(error);
});

test('a message shorter than its header', () => {
	expect(decodeDns(hex('1f 2e 81'))).toEqual({ error: 'truncated dns header (3 of 12 bytes)' });
});
