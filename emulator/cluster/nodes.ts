// The one list of machines: names and underlay addresses, the first three being the chapters' (and the seeds') nodes.

export interface ClusterNodeSpec {
	name: string;
	ip: string;
}

/** Every machine a cluster may have, in order: a sandbox takes the first N. */
export const allNodes: readonly ClusterNodeSpec[] = [
	{ name: 'manager', ip: '10.0.3.62' },
	{ name: 'worker1', ip: '10.0.3.63' },
	{ name: 'worker2', ip: '10.0.3.64' },
	{ name: 'worker3', ip: '10.0.3.65' },
	{ name: 'worker4', ip: '10.0.3.66' },
];

/** The chapters' three nodes, which the saved start states hold. */
export const defaultNodes: ClusterNodeSpec[] = allNodes.slice(0, 3);
