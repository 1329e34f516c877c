/** A file a chapter asks the editor to show: its node, path and text, unsaved; `id` tells two requests apart. */
export interface FileRequest {
	id: number;
	node: string;
	path: string;
	text: string;
}
