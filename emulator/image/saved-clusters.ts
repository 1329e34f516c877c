// The start states chapters open on, saved once at build time: `fresh` (three nodes with their identities, prompts
// drawn) and `swarm` (the same three formed into one swarm, every node Ready, default networks in place).
import { Cluster, defaultNodes } from '../cluster/cluster.ts';
import { formSwarm, sh } from '../cluster/swarm.ts';
import type { VmFiles } from '../node/node.ts';
import type { LoadedState, StartState } from '../node/saved-states.ts';
import { partsOfFile } from '../node/state-parts.ts';
import { baseNode, trimPageCache } from './snapshot.ts';
import { StateStoreWriter } from './state-packs.ts';

/** Trims each node's page cache, then saves every node at the same moment, so their clocks stay together. */
async function saveAll(cluster: Cluster): Promise<{ savedAt: number; nodes: { name: string; ip: string; state: Uint8Array }[] }> {
	await Promise.all(defaultNodes.map((spec) => sh(cluster.node(spec.name), trimPageCache)));
	const savedAt = Date.now();
	const states = await Promise.all(defaultNodes.map((spec) => cluster.node(spec.name).saveState()));
	return { savedAt, nodes: defaultNodes.map((spec, i) => ({ ...spec, state: new Uint8Array(states[i]) })) };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function buildSavedStates(files: VmFiles, base: Uint8Array, baseSavedAt: number, outDir: string, log: (line: string) => void) {
	const store = new StateStoreWriter();
	store.add('base', baseSavedAt, [{ ...baseNode, state: base }]);
	const fromBase: VmFiles = {
		...files,
		loadState: async (name: StartState): Promise<LoadedState> => {
			if (name !== 'base') throw new Error(`the build restores only the base state, not ${name}`);
			return { name, savedAt: baseSavedAt, nodes: [{ ...baseNode, parts: () => partsOfFile(base) }] };
		},
	};
	const cluster = await Cluster.restore({ nodes: defaultNodes, files: fromBase, start: 'base', log });
	try {
		const [manager, ...workers] = defaultNodes.map((spec) => cluster.node(spec.name));
		// Let each console draw its prompt before the save.
		await pause(3000);
		const fresh = await saveAll(cluster);
		store.add('fresh', fresh.savedAt, fresh.nodes);
		log('fresh: saved');
		const started = performance.now();
		await formSwarm(manager, workers);
		// The ingress network and docker_gwbridge appear on a worker shortly after it joins: the chapter starts once they have.
		for (const node of [manager, ...workers]) {
			await sh(node, 'for i in $(seq 120); do docker network inspect ingress docker_gwbridge >/dev/null 2>&1 && exit 0; sleep 1; done; docker network ls; exit 1', 300_000);
		}
		await pause(5000);
		log(`swarm: formed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
		const swarm = await saveAll(cluster);
		store.add('swarm', swarm.savedAt, swarm.nodes);
		log('swarm: saved');
	} finally {
		await cluster.stop();
	}
	const { index, bytes } = store.write(outDir);
	log(`states: ${index.packs.length} packs, ${(bytes / 1e6).toFixed(1)} MB`);
	return index;
}
