// The node list a cluster is asked for is checked before any machine starts.
import { describe, expect, test } from 'vitest';
import { Cluster, ClusterError, defaultNodes } from '../../../emulator/cluster/cluster.ts';

describe('Cluster.validate', () => {
	test('the chapters’ three nodes are accepted', () => {
		expect(() => Cluster.validate(defaultNodes)).not.toThrow();
	});

	test.each([
		[[], 'a cluster has 1 to 5 nodes, not 0'],
		[[{ name: 'Manager', ip: '10.0.3.62' }], 'invalid node name "Manager"'],
		[[{ name: 'manager', ip: '10.0.4.62' }], 'node manager: 10.0.4.62 is not a host address of the 10.0.3.0/24 underlay'],
		[[{ name: 'manager', ip: '10.0.3.300' }], 'node manager: 10.0.3.300 is not a host address'],
		[[{ name: 'manager', ip: '10.0.3.255' }], 'node manager: 10.0.3.255 is not a host address'],
		[[{ name: 'manager', ip: '10.0.3.1' }], 'node manager: 10.0.3.1 is not a host address'],
		[[defaultNodes[0], { name: 'manager', ip: '10.0.3.70' }], 'node manager (10.0.3.70) is listed twice'],
		[[defaultNodes[0], { name: 'other', ip: defaultNodes[0].ip }], 'node other (10.0.3.62) is listed twice'],
	])('%j is refused: %s', (nodes, reason) => {
		expect(() => Cluster.validate(nodes)).toThrow(ClusterError);
		expect(() => Cluster.validate(nodes)).toThrow(reason);
	});
});
