// The schema of chapter.yaml, built for the chapter's own nodes so a stray node name is caught where it is written.
import { z } from 'zod';
import { knownNodeNames } from './known-nodes.ts';
import { captureProtocols, innerProtocols, type FaultSpec, type SetupItem, type SolutionItem, type Step } from './types.ts';
import { networkNamePattern, vniCommand } from './vni.ts';
import { probeOf, type WaitCondition } from './wait.ts';

export const idPattern = /^[a-z][a-z0-9-]*$/;
const ipPattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
/** `manager$ docker network inspect …`: a node, a dollar sign, a command. */
const liveCommandPattern = /^([^\s$]+)\$\s+(\S[\s\S]*)$/;

const id = (what: string) =>
	z.string({ error: `${what} must be a string` }).regex(idPattern, { error: `${what} must be lowercase letters, digits and dashes, starting with a letter` });

const timeoutMs = z.number().int().min(1000).max(900_000);

function regexSource(field: string) {
	return z.string().superRefine((source, ctx) => {
		try {
			new RegExp(source, 'm');
		} catch (error) {
			const reason = (error as Error).message.split(': ').pop();
			ctx.addIssue({ code: 'custom', message: `${field}: invalid regular expression /${source}/: ${reason}` });
		}
	});
}

export function nodeNameProblem(name: string, chapterNodes: readonly string[]): string | undefined {
	if (!knownNodeNames.includes(name)) return `unknown node "${name}" (known: ${knownNodeNames.join(', ')})`;
	if (!chapterNodes.includes(name)) return `node "${name}" is not one of this chapter's nodes (${chapterNodes.join(', ')})`;
	return undefined;
}

export function chapterSchema(chapterNodes: readonly string[]) {
	const node = z.string({ error: 'a node name is required' }).superRefine((name, ctx) => {
		const problem = nodeNameProblem(name, chapterNodes);
		if (problem) ctx.addIssue({ code: 'custom', message: problem });
	});

	const liveVni = z.strictObject({
		from: z.string().transform((text, ctx) => {
			const match = liveCommandPattern.exec(text.trim());
			if (!match) {
				ctx.addIssue({ code: 'custom', message: `vni.from must read "<node>$ <command>", e.g. "manager$ docker network inspect …"` });
				return z.NEVER;
			}
			const problem = nodeNameProblem(match[1], chapterNodes);
			if (problem) {
				ctx.addIssue({ code: 'custom', message: `vni.from: ${problem}` });
				return z.NEVER;
			}
			return { node: match[1], run: match[2] };
		}),
	});
	/** `{ network, node? }`: the VNI as the node (the manager unless said) reads it; every chapter has that node. */
	const defaultVniNode = chapterNodes.includes('manager') ? 'manager' : chapterNodes[0];
	const networkVni = z
		.strictObject({ network: z.string().regex(networkNamePattern, { error: 'a Docker network name' }), node: node.optional() })
		.transform(({ network, node: reader }) => ({ node: reader ?? defaultVniNode, run: vniCommand(network) }));

	const protocol = z.enum(captureProtocols, { error: (issue) => `unknown protocol "${String(issue.input)}" (${captureProtocols.join(', ')})` });
	const innerProtocol = z.enum(innerProtocols, { error: (issue) => `unknown inner protocol "${String(issue.input)}" (${innerProtocols.join(', ')})` });
	const ip = z.string().regex(ipPattern, { error: 'an IPv4 address like 10.0.1.2' });
	const port = z.number().int().min(1).max(65535);

	const filter = z
		.strictObject({
			proto: protocol.optional(),
			from: node.optional(),
			to: node.optional(),
			between: z.tuple([node, node]).optional(),
			udpPort: port.optional(),
			tcpPort: port.optional(),
			srcIp: ip.optional(),
			dstIp: ip.optional(),
			vni: z
				.union([z.number().int().min(0).max(0xffffff), liveVni.transform((live) => live.from), networkVni], {
					error: 'vni is a number, { network: <name>, node? } or { from: "<node>$ <command>" }',
				})
				.optional(),
			inner: z.strictObject({ proto: innerProtocol.optional(), srcIp: ip.optional(), dstIp: ip.optional() }).optional(),
			dropped: z.literal(true, { error: 'dropped is true (leave it out to count delivered frames)' }).optional(),
		})
		.superRefine((f, ctx) => {
			if (f.between && (f.from || f.to)) ctx.addIssue({ code: 'custom', message: 'use either between or from/to, not both' });
			if (f.between && f.between[0] === f.between[1]) ctx.addIssue({ code: 'custom', message: 'between needs two different nodes' });
		});

	const waitCondition = z.union(
		[
			z.strictObject({ service: z.string().min(1), replicas: z.number().int().min(1).optional() }),
			z.strictObject({ network: z.string().min(1), absent: z.literal(true).optional() }),
			z.strictObject({ container: z.string().min(1) }),
			z.strictObject({ nodesReady: z.number().int().min(1) }),
			z.strictObject({ run: z.string().min(1), stdout: regexSource('wait.stdout').optional() }),
		],
		{ error: 'wait is one of { service, replicas? }, { network, absent? }, { container }, { nodesReady }, { run, stdout? }' },
	);
	const exec = z.strictObject({
		id: id('a checkpoint id'),
		kind: z.literal('exec'),
		node,
		run: z.string().min(1),
		expect: z
			.strictObject({
				exit: z.number().int().min(0).max(255).optional(),
				stdout: regexSource('expect.stdout').optional(),
				stdoutNot: regexSource('expect.stdoutNot').optional(),
			})
			.refine((e) => e.exit !== undefined || e.stdout !== undefined || e.stdoutNot !== undefined, {
				error: 'expect needs at least one of exit, stdout, stdoutNot',
			}),
		timeoutMs: timeoutMs.optional(),
	});

	const capture = z
		.strictObject({
			id: id('a checkpoint id'),
			kind: z.literal('capture'),
			filter,
			min: z.number().int().min(1).optional(),
			none: z.literal(true, { error: 'none is either absent or true' }).optional(),
			since: z.enum(['chapter', 'step'], { error: 'since is "chapter" or "step"' }).default('chapter'),
			evidence: filter.optional(),
		})
		.superRefine((c, ctx) => {
			if (c.none && c.min !== undefined) ctx.addIssue({ code: 'custom', message: 'none and min exclude each other', path: ['none'] });
			if (c.none && !c.evidence)
				ctx.addIssue({ code: 'custom', message: 'none needs evidence: a filter for the traffic that must have flowed (a silent wire proves nothing)', path: ['none'] });
			if (!c.none && c.evidence) ctx.addIssue({ code: 'custom', message: 'evidence goes with none only', path: ['evidence'] });
		})
		.transform(({ min, none, ...rest }) => ({ ...rest, min: min ?? 1, none: none ?? false }));

	const question = z
		.strictObject({
			id: id('a checkpoint id'),
			kind: z.literal('question'),
			answer: z.union([z.strictObject({ node, run: z.string().min(1), timeoutMs: timeoutMs.optional() }), z.strictObject({ vni: networkVni })], {
				error: 'answer is { node, run } or { vni: { network: <name>, node? } }',
			}).transform((answer) => ('vni' in answer ? answer.vni : answer)),
			match: z.enum(['exact', 'number', 'regex'], { error: 'match is "exact", "number" or "regex"' }).default('exact'),
			example: z.string().min(1).optional(),
		})
		.superRefine((q, ctx) => {
			if (q.match === 'regex' && q.example === undefined)
				ctx.addIssue({ code: 'custom', message: 'a regex question needs an example answer for lab:verify', path: ['match'] });
			if (q.match !== 'regex' && q.example !== undefined)
				ctx.addIssue({ code: 'custom', message: 'example is only for match: regex (lab:verify submits the computed answer)', path: ['example'] });
		});

	const kinds = ['exec', 'capture', 'question', 'wait'];
	const wait = z.strictObject({ id: id('a checkpoint id'), kind: z.literal('wait'), node, until: waitCondition, timeoutMs: timeoutMs.optional() });

	const checkpoint = z.discriminatedUnion('kind', [exec, capture, question, wait], {
		error: (issue) => {
			const kind = (issue.input as { kind?: unknown } | undefined)?.kind;
			if (issue.code !== 'invalid_union') return undefined;
			return kind === undefined ? `missing kind (${kinds.join(', ')})` : `unknown checkpoint kind "${String(kind)}" (${kinds.join(', ')})`;
		},
	});

	const between = z
		.tuple([node, node], { error: 'between is two node names: [manager, worker1]' })
		.refine(([a, b]) => a !== b, { message: 'between needs two different nodes' })
		.optional();
	const faultKinds = ['drop', 'mtu', 'latency', 'loss', 'unplug', 'heal'];
	const faultSpec: z.ZodType<FaultSpec> = z.discriminatedUnion(
		'kind',
		[
			z
				.strictObject({
					kind: z.literal('drop'),
					proto: z.enum(['udp', 'tcp', 'esp', 'icmp', 'arp'], { error: 'proto is udp, tcp, esp, icmp or arp' }),
					port: z.number({ error: 'port is a number' }).int().min(1).max(65535).optional(),
					between,
				})
				.refine((fault) => fault.port === undefined || fault.proto === 'udp' || fault.proto === 'tcp', { message: 'only udp and tcp have ports', path: ['port'] }),
			z.strictObject({ kind: z.literal('mtu'), mtu: z.number({ error: 'mtu is a number of bytes' }).int().min(68).max(9000), between }),
			z.strictObject({ kind: z.literal('latency'), ms: z.number({ error: 'ms is a number of milliseconds' }).int().min(1).max(10_000), between }),
			z.strictObject({ kind: z.literal('loss'), ratio: z.number({ error: 'ratio is a number from 0 to 1' }).gt(0).max(1), between }),
			z.strictObject({ kind: z.literal('unplug'), node }),
			z.strictObject({ kind: z.literal('heal') }),
		],
		{ error: (issue) => (issue.code === 'invalid_union' ? `a fault's kind is one of ${faultKinds.join(', ')}` : undefined) },
	);

	const stepFields = { id: id('a step id').optional(), node, run: z.string().min(1).optional(), wait: waitCondition.optional(), timeoutMs: timeoutMs.optional() };
	/** A step runs a command, or waits for a condition (whose command is then what `run` shows). */
	const stepOf = (item: { id?: string; node: string; run?: string; wait?: WaitCondition; timeoutMs?: number }): Step => ({
		id: item.id,
		node: item.node,
		run: item.wait ? probeOf(item.wait).command : item.run!,
		...(item.wait ? { wait: item.wait } : {}),
		timeoutMs: item.timeoutMs,
	});
	const oneAction = (item: { run?: string; wait?: unknown }, ctx: z.RefinementCtx) => {
		if (item.run === undefined && item.wait === undefined) ctx.addIssue({ code: 'custom', message: 'a step needs a command to run or a condition to wait for' });
		if (item.run !== undefined && item.wait !== undefined) ctx.addIssue({ code: 'custom', message: 'a step either runs a command or waits, not both', path: ['wait'] });
	};
	/** A fault step has only `fault`. */
	const faultOnly = (item: Record<string, unknown>, ctx: z.RefinementCtx) => {
		for (const key of ['id', 'node', 'run', 'wait', 'timeoutMs', 'check'])
			if (item[key] !== undefined) ctx.addIssue({ code: 'custom', message: `a fault step has only "fault", not "${key}"`, path: [key] });
	};
	const setupItem = z
		.strictObject({ ...stepFields, node: node.optional(), fault: faultSpec.optional() })
		.superRefine((item, ctx) => {
			if (item.fault !== undefined) return faultOnly(item, ctx);
			if (item.node === undefined) ctx.addIssue({ code: 'custom', message: 'a step needs a node (or is a { fault: … } step)' });
			oneAction(item, ctx);
		})
		.transform((item): SetupItem => (item.fault !== undefined ? { fault: item.fault } : stepOf({ ...item, node: item.node! })));

	// One object shape for steps and check markers, so a wrong field is reported as itself rather than as "no union matched".
	const solutionItem = z
		.strictObject({ check: id('a checkpoint id').optional(), ...stepFields, node: node.optional(), fault: faultSpec.optional() })
		.superRefine((item, ctx) => {
			if (item.fault !== undefined) return faultOnly(item, ctx);
			if (item.check !== undefined) {
				for (const key of ['id', 'node', 'run', 'wait', 'timeoutMs'] as const)
					if (item[key] !== undefined) ctx.addIssue({ code: 'custom', message: `a check marker has only "check", not "${key}"`, path: [key] });
				return;
			}
			if (item.node === undefined) ctx.addIssue({ code: 'custom', message: 'a step needs a node (or is a { check: <id> } marker)' });
			oneAction(item, ctx);
		})
		.transform((item): SolutionItem =>
			item.fault !== undefined ? { fault: item.fault } : item.check !== undefined ? { check: item.check } : stepOf({ ...item, node: item.node! }),
		);

	return z.strictObject({
		id: id('id'),
		nodes: z.unknown().optional(), // checked before this schema is built, since the schema depends on it
		start: z.enum(['fresh', 'swarm'], { error: 'start is "fresh" or "swarm"' }),
		duration: z.number({ error: 'duration is a number of minutes' }).int().min(1).max(240),
		setup: z.array(setupItem).default([]),
		checkpoints: z.array(checkpoint).min(1, { error: 'a chapter needs at least one checkpoint' }),
		solution: z.array(solutionItem).min(1, { error: 'a chapter needs a solution' }),
	});
}

export type ChapterYaml = z.output<ReturnType<typeof chapterSchema>>;

/** The `nodes` field alone: names of known machines, each once; all three when absent. */
export const nodesSchema = z
	.array(z.string().superRefine((name, ctx) => {
		const problem = nodeNameProblem(name, knownNodeNames);
		if (problem) ctx.addIssue({ code: 'custom', message: problem });
	}), { error: 'nodes is a list of node names' })
	.min(1)
	.superRefine((names, ctx) => {
		names.forEach((name, i) => {
			if (names.indexOf(name) !== i) ctx.addIssue({ code: 'custom', message: `node "${name}" is listed twice`, path: [i] });
		});
	})
	.optional();
