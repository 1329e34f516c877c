// The machines a chapter may use, with their fixed underlay addresses.
import type { ChapterNode } from './types.ts';

export const knownNodes: readonly ChapterNode[] = [
	{ name: 'manager', ip: '10.0.3.62' },
	{ name: 'worker1', ip: '10.0.3.63' },
	{ name: 'worker2', ip: '10.0.3.64' },
];

export const knownNodeNames = knownNodes.map((node) => node.name);

export function nodeByName(name: string): ChapterNode | undefined {
	return knownNodes.find((node) => node.name === name);
}
