import { describe, expect, test } from 'vitest';
import { FaultSet } from '../../../emulator/network/faults.ts';
import { describeRule, faultFromForm, type FaultForm } from '../../../site/src/lib/faults/fault-form.ts';
import { t } from '../../../site/src/lib/i18n/index.ts';

const form = (changes: Partial<FaultForm>): FaultForm => ({ kind: 'drop', node: 'worker1', proto: 'udp', port: '4789', mtu: '1400', ms: '200', lossPercent: '20', between: undefined, ...changes });

describe('faultFromForm', () => {
	test.each<[string, Partial<FaultForm>, ReturnType<typeof faultFromForm>]>([
		['UDP 4789 everywhere', {}, { rule: { kind: 'drop', proto: 'udp', port: 4789 } }],
		['all of ESP between two nodes', { proto: 'esp', port: ' ', between: ['manager', 'worker2'] }, { rule: { kind: 'drop', proto: 'esp', between: ['manager', 'worker2'] } }],
		['a node unplugged', { kind: 'unplug' }, { unplug: 'worker1' }],
		['a small MTU', { kind: 'mtu', mtu: '1200' }, { rule: { kind: 'mtu', mtu: 1200 } }],
		['latency', { kind: 'latency', ms: '150' }, { rule: { kind: 'latency', ms: 150 } }],
		['loss in percent', { kind: 'loss', lossPercent: '25' }, { rule: { kind: 'loss', ratio: 0.25 } }],
		['a port on ICMP', { proto: 'icmp' }, { problem: 'faults.problem.portless' }],
		['port 0', { port: '0' }, { problem: 'faults.problem.port' }],
		['a port that is not a number', { port: '47a' }, { problem: 'faults.problem.port' }],
		['an MTU below IPv4’s minimum', { kind: 'mtu', mtu: '60' }, { problem: 'faults.problem.mtu' }],
		['a loss over 100%', { kind: 'loss', lossPercent: '120' }, { problem: 'faults.problem.loss' }],
		['a link from a node to itself', { between: ['worker1', 'worker1'] }, { problem: 'faults.problem.between' }],
	])('%s', (_, changes, expected) => {
		expect(faultFromForm(form(changes))).toEqual(expected);
	});

	test('every rule it makes is one the switch accepts', () => {
		const faults = new FaultSet();
		for (const kind of ['drop', 'mtu', 'latency', 'loss'] as const) {
			const result = faultFromForm(form({ kind, between: ['manager', 'worker1'] }));
			if (!('rule' in result)) throw new Error(`no rule for ${kind}`);
			faults.add(result.rule);
		}
		expect(faults.list()).toHaveLength(4);
	});
});

describe('describeRule', () => {
	test('reads as the panel lists it, in both languages', () => {
		const drop = describeRule({ kind: 'drop', proto: 'udp', port: 4789 }, t('en', 'faults.everywhere'));
		expect(t('en', drop.key as 'faults.rule.dropPort', drop.params as { proto: string; port: number; where: string })).toBe('UDP port 4789 blocked (on every link)');
		const loss = describeRule({ kind: 'loss', ratio: 0.2, between: ['manager', 'worker1'] }, t('fr', 'faults.everywhere'));
		expect(t('fr', loss.key as 'faults.rule.loss', loss.params as { percent: number; where: string })).toBe('20 % de perte (manager ↔ worker1)');
	});
});
