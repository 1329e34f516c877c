// `npm run swarmlab -- exec --nodes N [--start fresh|swarm] --script FILE [--pcap OUT]`: a headless cluster runs a script, one JSON line per command.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Cluster } from '../cluster/cluster.ts';
import { allNodes } from '../cluster/nodes.ts';
import { localVmFiles } from '../node/local-files.ts';
import type { StartState } from '../node/saved-states.ts';
import { toPcap } from '../network/pcap.ts';
import { parseScript, ScriptError, substitute } from './script.ts';

const usage = 'usage: swarmlab exec --nodes N [--start fresh|swarm] --script FILE [--pcap OUT.pcap] [--timeout-ms MS]';

function fail(message: string, code = 2): never {
	process.stderr.write(`swarmlab: ${message}\n`);
	process.exit(code);
}

async function exec(argv: string[]) {
	const { values } = parseArgs({
		args: argv,
		options: { nodes: { type: 'string', default: '3' }, start: { type: 'string', default: 'fresh' }, script: { type: 'string' }, pcap: { type: 'string' }, 'timeout-ms': { type: 'string', default: '600000' } },
	});
	const count = Number(values.nodes);
	if (!Number.isInteger(count) || count < 1 || count > 5) fail(`--nodes takes 1 to 5, not "${values.nodes}"\n${usage}`);
	const start = values.start as StartState;
	if (start !== 'fresh' && start !== 'swarm') fail(`--start takes fresh or swarm, not "${values.start}"\n${usage}`);
	if (!values.script) fail(`--script is required\n${usage}`);
	const timeoutMs = Number(values['timeout-ms']);
	if (!Number.isInteger(timeoutMs) || timeoutMs < 1) fail(`--timeout-ms takes a whole number of milliseconds, not "${values['timeout-ms']}"\n${usage}`);
	const nodes = allNodes.slice(0, count);
	let text: string;
	try {
		text = readFileSync(values.script, 'utf8');
	} catch (error) {
		fail(`cannot read script ${values.script}: ${(error as Error).message}`);
	}
	let steps;
	try {
		steps = parseScript(text, values.script, nodes.map((n) => n.name));
	} catch (error) {
		if (error instanceof ScriptError) fail(error.message);
		throw error;
	}
	let cluster: Cluster;
	try {
		cluster = await Cluster.restore({ nodes, start, files: await localVmFiles(), log: (line) => process.stderr.write(`swarmlab: ${line}\n`) });
	} catch (error) {
		fail((error as Error).message, 1);
	}
	const outputs: string[] = [];
	try {
		for (const step of steps) {
			const command = substitute(step.command, outputs);
			try {
				const result = await cluster.node(step.node).exec(command, { timeoutMs });
				outputs.push(result.stdout);
				process.stdout.write(JSON.stringify({ node: step.node, command, ...result }) + '\n');
			} catch (error) {
				outputs.push('');
				process.stdout.write(JSON.stringify({ node: step.node, command, exit: null, stdout: '', stderr: '', ms: null, error: (error as Error).message }) + '\n');
			}
		}
		if (values.pcap) writeFileSync(values.pcap, toPcap(cluster.capture.ring.records()));
	} finally {
		await cluster.stop();
	}
}

const [verb, ...rest] = process.argv.slice(2);
if (verb === 'exec') await exec(rest);
else fail(`unknown command "${verb ?? ''}"\n${usage}`);
