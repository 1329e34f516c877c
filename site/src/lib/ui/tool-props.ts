import type { Cluster } from '$emulator/cluster/cluster.ts';
import type { FileRequest } from '$lib/editor/file-request.ts';
import type { Language } from '$lib/i18n/index.ts';

/** What the machine panel gives each of its tools (inspector, faults, map, editor). */
export interface ToolProps {
	lang: Language;
	cluster: Cluster;
	nodes: readonly string[];
	/** A chapter's file to show, unsaved: read by the editor alone. */
	request?: FileRequest;
}
