// What one node's Docker engine says about its part in the swarm: its role and state, the containers it runs (swarm
// tasks by service, and standalone ones) and the overlay networks it has. Asked over the engine's API socket with curl,
// in one agent call: no Go program starts in the guest (a `docker` CLI run costs the emulated CPU about a second).
import type { ExecResult } from '../node/agent-client.ts';

/** The engine API paths asked, in one curl run (a curl start costs the guest about 0.2 s); `nodes` answers on a manager only. */
const paths = ['info', 'nodes', 'containers/json', 'networks'] as const;
type SurveyPath = (typeof paths)[number];
const marker = '@@swarmlab-survey ';
const engine = 'http://docker/';
const socket = '--unix-socket /var/run/docker.sock';

/** The guest's clock first (where the next wait for events starts), then each answer followed by a marker naming it. */
export const surveyScript = [
	'date +%s.%N',
	`curl -s -m 5 ${socket} -w '\\n${marker}%{url_effective}\\n' ${paths.map((path) => `'${engine}${path}'`).join(' ')}`,
].join('\n');

/** Events that change what the map shows: containers and tasks starting or ending, networks, nodes, services. */
const eventFilters = JSON.stringify({
	type: ['container', 'network', 'node', 'service'],
	event: ['create', 'start', 'die', 'destroy', 'connect', 'disconnect', 'update', 'remove'],
});

/**
 * Waits in the guest until the engine reports a change after `since` (or `seconds` pass), prints that event and ends.
 * A blocked curl costs the emulated CPU nothing, so a map left open on an idle swarm costs about one curl a minute.
 */
export function waitForChangeScript(since: string | undefined, seconds: number): string {
	const query = [`--data-urlencode 'filters=${eventFilters}'`, since ? `--data-urlencode 'since=${since}'` : ''].join(' ');
	return [
		// A coprocess, not `<(…)`: the guest has no /dev/fd. The first line is enough: stop curl rather than let it wait out its time.
		`coproc curl -sN -m ${seconds} ${socket} -G ${query} '${engine}events'`,
		'IFS= read -r line <&"${COPROC[0]}"; kill "$COPROC_PID" 2>/dev/null; printf "%s\\n" "$line"',
	].join('\n');
}

export type SwarmRole = 'manager' | 'worker';
/** As the engine names it: a node outside any swarm is `inactive`. */
export type LocalSwarmState = 'inactive' | 'pending' | 'active' | 'error' | 'locked';

export interface SwarmMember {
	hostname: string;
	role: SwarmRole;
	/** `ready`, `down`, `unknown` or `disconnected`, as the managers see it. */
	state: string;
	availability: string;
	leader: boolean;
	addr: string;
}

export interface ContainerSeen {
	name: string;
	image: string;
	/** The swarm service it is a task of; absent for a standalone container. */
	service?: string;
	/** The stack it was deployed with, if any. */
	stack?: string;
	/** Network name → the container's address on it. */
	addresses: Record<string, string>;
}

export interface OverlaySeen {
	name: string;
	id: string;
	/** The VXLAN network id(s) its traffic carries on the wire. */
	vnis: number[];
	subnets: string[];
	encrypted: boolean;
	ingress: boolean;
	attachable: boolean;
}

export type NodeSurvey =
	| {
			node: string;
			docker: 'up';
			swarm: LocalSwarmState;
			role?: SwarmRole;
			nodeId?: string;
			/** Every member as this node sees them: only a manager knows. */
			members?: SwarmMember[];
			containers: ContainerSeen[];
			overlays: OverlaySeen[];
	  }
	| { node: string; docker: 'down' };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const objects = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const field = (value: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), value);

/** The survey script's output: the guest's time, then each answer parsed; an empty or unreadable one (engine down) is left out. */
function answers(stdout: string): { time?: string; found: Partial<Record<SurveyPath, unknown>> } {
	const found: Partial<Record<SurveyPath, unknown>> = {};
	const [first, ...rest] = stdout.split('\n');
	let body: string[] = [];
	for (const line of rest) {
		if (!line.startsWith(marker)) {
			body.push(line);
			continue;
		}
		const path = line.slice(marker.length + engine.length) as SurveyPath;
		const answer = body.join('\n').trim();
		body = [];
		if (!paths.includes(path) || !answer) continue;
		try {
			found[path] = JSON.parse(answer);
		} catch {
			// A cut or garbled answer: the map shows what the other paths said.
		}
	}
	return { time: /^\d+\.\d+$/.test(first.trim()) ? first.trim() : undefined, found };
}

/** A node's survey, and the guest time it was taken at (where to start waiting for the next change). */
export function parseSurvey(node: string, result: Pick<ExecResult, 'stdout'>): { survey: NodeSurvey; since?: string } {
	const { time, found } = answers(result.stdout);
	const info = found.info;
	if (!isObject(info) || !isObject(info.Swarm)) return { survey: { node, docker: 'down' }, since: time };
	const swarm = (text(info.Swarm.LocalNodeState) || 'inactive') as LocalSwarmState;
	const inSwarm = swarm === 'active';
	const survey: NodeSurvey = {
		node,
		docker: 'up',
		swarm,
		role: inSwarm ? (info.Swarm.ControlAvailable === true ? 'manager' : 'worker') : undefined,
		nodeId: text(info.Swarm.NodeID) || undefined,
		members: Array.isArray(found.nodes) ? objects(found.nodes).map(member) : undefined,
		containers: objects(found['containers/json']).map(container),
		overlays: objects(found.networks)
			.filter((network) => network.Driver === 'overlay')
			.map(overlay)
			.sort((a, b) => a.name.localeCompare(b.name)),
	};
	return { survey, since: time };
}

function member(node: Json): SwarmMember {
	return {
		hostname: text(field(node, 'Description', 'Hostname')),
		role: field(node, 'Spec', 'Role') === 'manager' ? 'manager' : 'worker',
		state: text(field(node, 'Status', 'State')) || 'unknown',
		availability: text(field(node, 'Spec', 'Availability')) || 'active',
		leader: field(node, 'ManagerStatus', 'Leader') === true,
		addr: text(field(node, 'Status', 'Addr')),
	};
}

function container(entry: Json): ContainerSeen {
	const labels = isObject(entry.Labels) ? entry.Labels : {};
	const networks = field(entry, 'NetworkSettings', 'Networks');
	const addresses = isObject(networks)
		? Object.fromEntries(Object.entries(networks).map(([name, settings]) => [name, text(field(settings, 'IPAddress'))]))
		: {};
	const names = Array.isArray(entry.Names) ? entry.Names.map(text) : [];
	return {
		name: (names[0] ?? '').replace(/^\//, ''),
		image: text(entry.Image).replace(/@sha256:.*$/, ''),
		service: text(labels['com.docker.swarm.service.name']) || undefined,
		stack: text(labels['com.docker.stack.namespace']) || undefined,
		addresses,
	};
}

function overlay(network: Json): OverlaySeen {
	const options = isObject(network.Options) ? network.Options : {};
	const vnis = text(options['com.docker.network.driver.overlay.vxlanid_list'])
		.split(',')
		.map(Number)
		.filter((vni) => Number.isInteger(vni) && vni > 0);
	return {
		name: text(network.Name),
		id: text(network.Id).slice(0, 12),
		vnis,
		subnets: objects(field(network, 'IPAM', 'Config')).map((config) => text(config.Subnet)).filter(Boolean),
		encrypted: 'encrypted' in options,
		ingress: network.Ingress === true,
		attachable: network.Attachable === true,
	};
}
