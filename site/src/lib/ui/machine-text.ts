// The words for a machine's status and for why machines cannot run, in the reader's language.
import { formatBytes, formatPercent, t, type Language } from '$lib/i18n/index.ts';
import type { MachineStatus } from '$lib/machines/machines.svelte.ts';
import type { MachinesProblem } from '$lib/machines/problem.ts';

export function statusLabel(lang: Language, status: MachineStatus): string {
	switch (status.state) {
		case 'idle':
			return t(lang, 'node.status.idle');
		case 'downloading':
			return status.total > 0 ? `${t(lang, 'node.status.downloading')} ${formatPercent(lang, downloadPercent(status))}` : t(lang, 'node.status.downloading');
		case 'restoring':
			return t(lang, 'node.status.restoring');
		case 'ready':
			return t(lang, 'node.status.ready');
		case 'resetting':
			return t(lang, 'node.status.resetting');
		case 'error':
			return t(lang, 'node.status.error');
		case 'stopped':
			return t(lang, 'node.status.stopped');
	}
}

/** For a tab, where room is short: the download as a bare percentage, every other state in a word. */
export function shortStatusLabel(lang: Language, status: MachineStatus): string {
	return status.state === 'downloading' && status.total > 0 ? formatPercent(lang, downloadPercent(status)) : statusLabel(lang, status);
}

export function downloadPercent(status: { bytes: number; total: number }): number {
	return status.total > 0 ? Math.min(100, Math.floor((status.bytes / status.total) * 100)) : 0;
}

export function downloadProgress(lang: Language, status: { bytes: number; total: number }): string {
	return t(lang, 'node.progress', { done: formatBytes(lang, status.bytes), total: formatBytes(lang, status.total) });
}

export function problemText(lang: Language, problem: MachinesProblem): string {
	switch (problem.code) {
		case 'image-missing':
			return t(lang, 'error.imageMissing', { url: problem.url });
		case 'image-invalid':
			return t(lang, 'error.imageInvalid', { reason: problem.reason });
		case 'image-unreachable':
			return t(lang, 'error.imageUnreachable', { reason: problem.reason });
		case 'unsupported':
			return t(lang, 'error.unsupported', { feature: problem.feature === 'secure-context' ? t(lang, 'error.insecureContext') : problem.feature });
		case 'start-failed':
			return t(lang, 'error.startFailed', { reason: problem.reason });
	}
}

/** The colour of a node in tabs, chips and command blocks. */
export function nodeColor(name: string): string {
	return `var(--node-${name}, var(--accent))`;
}
