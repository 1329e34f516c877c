import { describe, expect, it } from 'vitest';
import { buildReport, mergeProgress, progressOfReport, readProgress, writeProgress, type Chapters } from '../../site/src/lib/progress-data.ts';

const pass = (at: string, attempts = 1) => ({ status: 'passed' as const, attempts, firstAttemptAt: at, lastAttemptAt: at, passedAt: at });
const failure = (at: string, attempts = 1) => ({ status: 'failed' as const, attempts, firstAttemptAt: at, lastAttemptAt: at });
const saved: Chapters = {
	'form-swarm': { openedAt: '2026-01-01T10:00:00Z', lastVisitAt: '2026-01-02T10:00:00Z', checkpoints: { 'swarm-initialized': pass('2026-01-01T10:05:00Z') } },
	'overlay-service': { openedAt: '2026-01-03T10:00:00Z', lastVisitAt: '2026-01-03T10:00:00Z', checkpoints: { 'overlay-created': pass('2026-01-03T10:02:00Z') } },
};

describe('reading saved progress', () => {
	it('reads what it wrote, with nothing set aside', () => {
		expect(readProgress(writeProgress(saved))).toEqual({ chapters: saved });
	});

	it('keeps every readable pass around one corrupt entry, and sets the whole document aside', () => {
		const document = JSON.parse(writeProgress(saved));
		document.chapters['form-swarm'].checkpoints['workers-ready'] = { status: 'passed', attempts: 'many' };
		document.chapters.broken = 'not a chapter';
		const raw = JSON.stringify(document);
		const read = readProgress(raw);
		expect(read.chapters).toEqual(saved);
		expect(read.unreadable).toBe(raw);
	});

	it('keeps the passes of a version it does not know (a newer tab wrote it), and sets it aside', () => {
		const raw = JSON.stringify({ ...JSON.parse(writeProgress(saved)), version: 2, somethingNew: true });
		const read = readProgress(raw);
		expect(read.chapters).toEqual(saved);
		expect(read.unreadable).toBe(raw);
	});

	it('sets aside a document that is not JSON at all, and reads nothing from it', () => {
		expect(readProgress('{"version":1,"chap')).toEqual({ chapters: {}, unreadable: '{"version":1,"chap' });
		expect(readProgress(null)).toEqual({ chapters: {} });
	});
});

describe('importing an exported report', () => {
	const reportChapters = [
		{ id: 'form-swarm', title: 'Form a swarm', duration: 20, checkpoints: [{ id: 'swarm-initialized', title: 'init' }, { id: 'workers-ready', title: 'ready' }] },
		{ id: 'overlay-service', title: 'Overlay', duration: 30, checkpoints: [{ id: 'overlay-created', title: 'created' }] },
	];

	it('restores the passes of the report into an empty browser', () => {
		const report = JSON.stringify(buildReport(saved, reportChapters, 'en', '2026-01-04T00:00:00Z'));
		expect(mergeProgress({}, progressOfReport(report))).toEqual(saved);
	});

	it('never overwrites a pass, and keeps the first pass time and the most attempts', () => {
		const mine: Chapters = {
			'form-swarm': { openedAt: '2026-01-01T10:00:00Z', lastVisitAt: '2026-01-05T10:00:00Z', checkpoints: { 'swarm-initialized': failure('2026-01-05T10:00:00Z', 4) } },
		};
		const merged = mergeProgress(mine, progressOfReport(JSON.stringify(buildReport(saved, reportChapters, 'fr', '2026-01-04T00:00:00Z'))));
		expect(merged['form-swarm'].checkpoints['swarm-initialized']).toEqual({
			status: 'failed',
			attempts: 4,
			firstAttemptAt: '2026-01-01T10:05:00Z',
			lastAttemptAt: '2026-01-05T10:00:00Z',
			passedAt: '2026-01-01T10:05:00Z',
		});
		expect(merged['form-swarm'].lastVisitAt).toBe('2026-01-05T10:00:00Z');
		expect(merged['overlay-service']).toEqual(saved['overlay-service']);
	});

	it('a skipped checkpoint is reported as skipped, not passed, and comes back skipped from the report', () => {
		const skipped = { status: 'skipped' as const, attempts: 0, firstAttemptAt: '2026-01-03T10:09:00Z', lastAttemptAt: '2026-01-03T10:09:00Z', skippedAt: '2026-01-03T10:09:00Z' };
		const withSkip: Chapters = { ...saved, 'form-swarm': { ...saved['form-swarm'], checkpoints: { ...saved['form-swarm'].checkpoints, 'workers-ready': skipped } } };
		const report = buildReport(withSkip, reportChapters, 'en', '2026-01-04T00:00:00Z');
		const chapter = report.chapters.find((entry) => entry.id === 'form-swarm')!;
		expect(chapter.passed).toBe(1);
		expect(chapter.checkpoints.find((entry) => entry.id === 'workers-ready')).toMatchObject({ status: 'skipped', passedAt: null, skippedAt: '2026-01-03T10:09:00Z' });
		expect(mergeProgress({}, progressOfReport(JSON.stringify(report)))).toEqual(withSkip);
		expect(readProgress(writeProgress(withSkip))).toEqual({ chapters: withSkip });
	});

	it('reads a report exported before skip ahead existed (no skippedAt)', () => {
		const report = buildReport(saved, reportChapters, 'en', '2026-01-04T00:00:00Z') as unknown as { chapters: { checkpoints: { skippedAt?: unknown }[] }[] };
		for (const chapter of report.chapters) for (const checkpoint of chapter.checkpoints) delete checkpoint.skippedAt;
		expect(mergeProgress({}, progressOfReport(JSON.stringify(report)))).toEqual(saved);
	});

	it('refuses a file that is not a SwarmLab report', () => {
		expect(() => progressOfReport('hello')).toThrow('not JSON');
		expect(() => progressOfReport(JSON.stringify({ app: 'Other', format: 1, chapters: [] }))).toThrow('not a SwarmLab progress report');
	});
});
