// The machines a chapter may use, with their fixed underlay addresses: the emulator's three default nodes.
import { defaultNodes } from '../../emulator/cluster/nodes.ts';
import type { ChapterNode } from './types.ts';

export const knownNodes: readonly ChapterNode[] = defaultNodes;

export const knownNodeNames = knownNodes.map((node) => node.name);

export function nodeByName(name: string): ChapterNode | undefined {
	return knownNodes.find((node) => node.name === name);
}
