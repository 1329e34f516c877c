// What the fault panel's form asks for, turned into the switch's rule (emulator/network/faults.ts) or into the reason
// it cannot be, in words the panel can show in either language.
import type { FaultRule } from '$emulator/network/faults.ts';
import { t, type Language, type MessageKey } from '$lib/i18n/index.ts';

export type FaultKind = 'unplug' | 'drop' | 'mtu' | 'latency' | 'loss';
export const dropProtocols = ['udp', 'tcp', 'esp', 'icmp', 'arp'] as const;

export interface FaultForm {
	kind: FaultKind;
	/** The node to unplug. */
	node: string;
	proto: (typeof dropProtocols)[number];
	/** Empty: every port of the protocol. */
	port: string;
	mtu: string;
	ms: string;
	lossPercent: string;
	/** Empty: on every link; otherwise only between these two nodes. */
	between: [string, string] | undefined;
}

export type ProblemKey = Extract<MessageKey, `faults.problem.${string}`>;
export type FormResult = { unplug: string } | { rule: FaultRule } | { problem: ProblemKey };

const whole = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text) : NaN);

export function faultFromForm(form: FaultForm): FormResult {
	if (form.kind === 'unplug') return form.node ? { unplug: form.node } : { problem: 'faults.problem.node' };
	if (form.between && form.between[0] === form.between[1]) return { problem: 'faults.problem.between' };
	const between = form.between ? ({ between: form.between } as const) : {};
	switch (form.kind) {
		case 'drop': {
			if (!form.port.trim()) return { rule: { kind: 'drop', proto: form.proto, ...between } };
			if (form.proto !== 'udp' && form.proto !== 'tcp') return { problem: 'faults.problem.portless' };
			const port = whole(form.port);
			return port >= 1 && port <= 65535 ? { rule: { kind: 'drop', proto: form.proto, port, ...between } } : { problem: 'faults.problem.port' };
		}
		case 'mtu': {
			const mtu = whole(form.mtu);
			return mtu >= 68 && mtu <= 9000 ? { rule: { kind: 'mtu', mtu, ...between } } : { problem: 'faults.problem.mtu' };
		}
		case 'latency': {
			const ms = whole(form.ms);
			return ms >= 1 && ms <= 10_000 ? { rule: { kind: 'latency', ms, ...between } } : { problem: 'faults.problem.latency' };
		}
		case 'loss': {
			const percent = whole(form.lossPercent);
			return percent >= 1 && percent <= 100 ? { rule: { kind: 'loss', ratio: percent / 100, ...between } } : { problem: 'faults.problem.loss' };
		}
	}
}

/** How an active rule reads in the panel's list: a message key and its values; `everywhere` names a rule on every link. */
export function describeRule(rule: FaultRule, everywhere: string): { key: MessageKey; params: Record<string, string | number> } {
	const where = rule.between ? `${rule.between[0]} ↔ ${rule.between[1]}` : everywhere;
	switch (rule.kind) {
		case 'drop':
			return { key: rule.port === undefined ? 'faults.rule.dropProto' : 'faults.rule.dropPort', params: { proto: rule.proto.toUpperCase(), port: rule.port ?? '', where } };
		case 'mtu':
			return { key: 'faults.rule.mtu', params: { mtu: rule.mtu, where } };
		case 'latency':
			return { key: 'faults.rule.latency', params: { ms: rule.ms, where } };
		case 'loss':
			return { key: 'faults.rule.loss', params: { percent: Math.round(rule.ratio * 100), where } };
	}
}

/** An active rule as the fault panel and the swarm map show it, in the reader's language. */
export function ruleText(lang: Language, rule: FaultRule): string {
	const { key, params } = describeRule(rule, t(lang, 'faults.everywhere'));
	return (t as (lang: Language, key: MessageKey, params: Record<string, string | number>) => string)(lang, key, params);
}
