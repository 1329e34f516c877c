// What every protocol decoder returns: the header it read and the bytes it carries, or why it could not read them.

export type Layer<T> =
	| { header: T; payload: Uint8Array; error?: string }
	| { header?: undefined; payload?: undefined; error: string };

export const noBytes = new Uint8Array(0);

/** A DataView over exactly the bytes of a view: decoders index from 0 whatever the view's place in its buffer. */
export function dataView(bytes: Uint8Array): DataView {
	return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function truncated(protocol: string, need: number, have: number): { error: string } {
	return { error: `truncated ${protocol} header (${have} of ${need} bytes)` };
}

/** One header field as the packet inspector shows it: its name's key (`wire.field.<id>` in the UI's language), its
 * value as text, and where its bytes are, from the start of its layer. */
export interface HeaderField {
	id: string;
	value: string;
	offset: number;
	length: number;
}

export const hex = (value: number, digits: number) => `0x${value.toString(16).padStart(digits, '0')}`;
