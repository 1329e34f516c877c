// ESP (IP protocol 50), what encrypted overlays ride on: only the SPI and sequence number are readable on the wire.
import { dataView, hex, truncated, type HeaderField, type Layer } from './layer.ts';

// ESP: SPI at 0, sequence number at 4, then the encrypted payload.
const spiOffset = 0;
const seqOffset = 4;
const headerLength = 8;

export interface EspHeader {
	spi: number;
	seq: number;
}

export function decodeEsp(bytes: Uint8Array): Layer<EspHeader> {
	if (bytes.length < headerLength) return truncated('esp', headerLength, bytes.length);
	const view = dataView(bytes);
	return { header: { spi: view.getUint32(spiOffset), seq: view.getUint32(seqOffset) }, payload: bytes.subarray(headerLength) };
}

export function espFields(header: EspHeader): HeaderField[] {
	return [
		{ id: 'esp.spi', value: hex(header.spi, 8), offset: spiOffset, length: 4 },
		{ id: 'esp.seq', value: `${header.seq}`, offset: seqOffset, length: 4 },
	];
}
