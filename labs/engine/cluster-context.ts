// The one place that turns a running Cluster (emulator/) into what the grader and the step runner need.
import type { GraderContext } from './grader.ts';
import type { CaptureFilter, Exec, FaultSpec, StepEnv } from './types.ts';

/** The part of emulator/cluster's Cluster the labs use; a fake with this shape stands in for it in tests. */
export interface LabCluster {
	node(name: string): {
		exec(command: string, options?: { timeoutMs?: number }): Promise<{ exit: number; stdout: string; stderr: string }>;
	};
	capture: {
		count(filter: CaptureFilter & { since?: number }): number;
		/** Frames up to this time may have been dropped (the capture keeps a bounded number). */
		lostUpTo(): number;
	};
	/** The switch clock, in ms: the time base of captures. */
	now(): number;
	/** Where fault steps act: its rules (emulator/network/faults.ts) and its ports' cables. */
	switch: {
		faults: { add(rule: Exclude<FaultSpec, { kind: 'unplug' | 'heal' }>): number; clear(): void };
		setLink(name: string, state: 'up' | 'down'): void;
		ports(): readonly { name: string }[];
	};
}

export function clusterExec(cluster: LabCluster): Exec {
	// cluster.node() throws for an unknown name: inside the async function that becomes a rejection, i.e. 'unavailable'.
	return async (node, command, options) => {
		const { exit, stdout, stderr } = await cluster.node(node).exec(command, options);
		return { exit, stdout, stderr };
	};
}

/** Applies a fault step to the cluster's switch. */
export function clusterFault(cluster: LabCluster): (spec: FaultSpec) => void {
	return (spec) => {
		if (spec.kind === 'unplug') return cluster.switch.setLink(spec.node, 'down');
		if (spec.kind === 'heal') {
			cluster.switch.faults.clear();
			for (const port of cluster.switch.ports()) cluster.switch.setLink(port.name, 'up');
			return;
		}
		cluster.switch.faults.add(spec);
	};
}

export function stepEnv(cluster: LabCluster): StepEnv {
	return { exec: clusterExec(cluster), fault: clusterFault(cluster) };
}

/** A grader context whose step clock the caller moves forward (`ctx.stepStartedAt = cluster.now()`). */
export function graderContext(cluster: LabCluster, chapterStartedAt = cluster.now()): GraderContext {
	return {
		exec: clusterExec(cluster),
		countFrames: (filter, sinceMs) => cluster.capture.count({ ...filter, since: sinceMs }),
		framesLostUpTo: () => cluster.capture.lostUpTo(),
		chapterStartedAt,
		stepStartedAt: chapterStartedAt,
	};
}
