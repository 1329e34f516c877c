import { expect, test } from 'vitest';
import { CaptureRing, decodeRecord, type CaptureRecord } from '../../../emulator/network/capture.ts';
import { syntheticFrames } from './fixtures/synthetic-frames.ts';

const record = (seq: number, time = seq * 10): CaptureRecord => ({ seq, time, ingress: 'manager', egress: ['worker1'], frame: syntheticFrames.icmpEchoRequest.bytes });

test.each([
	[1, 3, [2]],
	[3, 2, [0, 1]],
	[3, 3, [0, 1, 2]],
	[3, 7, [4, 5, 6]],
	[4, 9, [5, 6, 7, 8]],
])('capacity %i after %i records keeps seq %j, oldest first', (capacity, pushed, kept) => {
	const ring = new CaptureRing({ capacity });
	for (let seq = 0; seq < pushed; seq++) ring.push(record(seq));
	expect(ring.records().map((r) => r.seq)).toEqual(kept);
	expect(ring.size).toBe(kept.length);
	expect(ring.total).toBe(pushed);
});

test('records(since) keeps those at or after the time', () => {
	const ring = new CaptureRing({ capacity: 10 });
	for (let seq = 0; seq < 5; seq++) ring.push(record(seq));
	expect(ring.records(20).map((r) => r.seq)).toEqual([2, 3, 4]);
	expect(ring.records(1000)).toEqual([]);
});

test('clear forgets the records but not how many were seen', () => {
	const ring = new CaptureRing({ capacity: 3 });
	for (let seq = 0; seq < 5; seq++) ring.push(record(seq));
	ring.clear();
	expect([ring.size, ring.total, ring.records().length]).toEqual([0, 5, 0]);
	ring.push(record(5));
	expect(ring.records().map((r) => r.seq)).toEqual([5]);
});

test('knows up to when frames were dropped, by overwriting or clearing', () => {
	const ring = new CaptureRing({ capacity: 3 });
	for (let seq = 0; seq < 3; seq++) ring.push(record(seq));
	expect(ring.lostUpTo).toBe(-Infinity);
	ring.push(record(3));
	ring.push(record(4));
	// seq 0 and 1 (times 0 and 10) were overwritten: a window from 11 on is whole.
	expect(ring.lostUpTo).toBe(10);
	ring.clear();
	expect(ring.lostUpTo).toBe(40);
});

test.each([0, -1, 2.5, Number.NaN])('capacity %s is refused', (capacity) => {
	expect(() => new CaptureRing({ capacity })).toThrow(`capture capacity must be a positive integer, got ${capacity}`);
});

test('a record is decoded on demand, once', () => {
	const r = record(0);
	const first = decodeRecord(r);
	expect(first.summary).toBe('10.0.3.62 → 10.0.3.63 ICMP echo request');
	expect(decodeRecord(r)).toBe(first);
});
