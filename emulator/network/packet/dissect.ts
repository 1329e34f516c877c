// One frame as the packet inspector shows it: its layers in order (a VXLAN frame's inner layers one level deeper),
// each with its fields and where their bytes are in the frame, so a hex view can light up the field one selects.
// The decoders read the headers; each protocol's module says where its fields lie (`…Fields`).
import { arpFields, decodeArp } from './arp.ts';
import { decodeDns, dnsFields, dnsPort } from './dns.ts';
import { decodeEsp, espFields } from './esp.ts';
import { decodeEthernet, etherTypes, ethernetFields } from './ethernet.ts';
import { decodeIcmp, icmpFields } from './icmp.ts';
import { decodeIpv4, ipProtocols, ipv4Fields } from './ipv4.ts';
import type { HeaderField, Layer } from './layer.ts';
import { decodeTcp, tcpFields } from './tcp.ts';
import { decodeUdp, udpFields } from './udp.ts';
import { decodeVxlan, vxlanFields, vxlanPort } from './vxlan.ts';

export type LayerName = 'ethernet' | 'arp' | 'ipv4' | 'icmp' | 'udp' | 'tcp' | 'vxlan' | 'esp' | 'dns' | 'data';

export interface DissectedField {
	/** The key of its name: `wire.field.<id>` in the UI's language. */
	id: string;
	value: string;
	/** Byte range in the whole frame, end excluded. */
	start: number;
	end: number;
}

export interface DissectedLayer {
	name: LayerName;
	/** 0 for the frame on the wire, 1 for the frame a VXLAN header carries, and so on. */
	depth: number;
	start: number;
	end: number;
	fields: DissectedField[];
	/** What was missing or malformed in this layer. */
	error?: string;
}

const maxDepth = 4;

export function dissectFrame(frame: Uint8Array): DissectedLayer[] {
	const layers: DissectedLayer[] = [];
	dissectEthernet(frame, frame.subarray(0), 0, layers);
	return layers;
}

/** Where a view sits in the frame: every decoder hands its payload on as a subarray of the same buffer. */
const startOf = (frame: Uint8Array, view: Uint8Array) => view.byteOffset - frame.byteOffset;

function push(frame: Uint8Array, layers: DissectedLayer[], name: LayerName, depth: number, bytes: Uint8Array, headerLength: number, fields: HeaderField[], error?: string) {
	const start = startOf(frame, bytes);
	layers.push({
		name,
		depth,
		start,
		end: start + Math.min(headerLength, bytes.length),
		fields: fields.map((field) => ({ id: field.id, value: field.value, start: start + field.offset, end: start + field.offset + field.length })),
		...(error ? { error } : {}),
	});
}

/** A decoded header's layer; returns its payload, or nothing when the header could not be read. */
function take<T>(frame: Uint8Array, layers: DissectedLayer[], name: LayerName, depth: number, bytes: Uint8Array, layer: Layer<T>, fields: (header: T, headerLength: number) => HeaderField[]) {
	if (layer.header === undefined || layer.payload === undefined) {
		layers.push({ name, depth, start: startOf(frame, bytes), end: startOf(frame, bytes) + bytes.length, fields: [], error: layer.error });
		return undefined;
	}
	// ARP and DNS hand back no payload of the frame's own: their layer is all of their bytes.
	const headerLength = layer.payload.buffer === bytes.buffer ? startOf(frame, layer.payload) - startOf(frame, bytes) : bytes.length;
	push(frame, layers, name, depth, bytes, headerLength, fields(layer.header, headerLength), layer.error);
	return layer.payload;
}

function data(frame: Uint8Array, layers: DissectedLayer[], depth: number, bytes: Uint8Array | undefined) {
	if (!bytes?.length) return;
	push(frame, layers, 'data', depth, bytes, bytes.length, [{ id: 'data.length', value: `${bytes.length}`, offset: 0, length: bytes.length }]);
}

function dissectEthernet(frame: Uint8Array, bytes: Uint8Array, depth: number, layers: DissectedLayer[]): void {
	const ethernet = decodeEthernet(bytes);
	const payload = take(frame, layers, 'ethernet', depth, bytes, ethernet, ethernetFields);
	if (!payload || !ethernet.header) return;
	if (ethernet.header.type === etherTypes.arp) return void take(frame, layers, 'arp', depth, payload, decodeArp(payload), arpFields);
	if (ethernet.header.type !== etherTypes.ipv4) return data(frame, layers, depth, payload);
	const ipv4 = decodeIpv4(payload);
	const ipPayload = take(frame, layers, 'ipv4', depth, payload, ipv4, ipv4Fields);
	if (!ipPayload || !ipv4.header) return;
	// Only a datagram's first fragment starts with the transport header.
	if (ipv4.header.fragmentOffset > 0) return data(frame, layers, depth, ipPayload);
	switch (ipv4.header.proto) {
		case ipProtocols.icmp:
			return data(frame, layers, depth, take(frame, layers, 'icmp', depth, ipPayload, decodeIcmp(ipPayload), icmpFields));
		case ipProtocols.tcp:
			return data(frame, layers, depth, take(frame, layers, 'tcp', depth, ipPayload, decodeTcp(ipPayload), tcpFields));
		case ipProtocols.esp: {
			const esp = decodeEsp(ipPayload);
			const sealed = take(frame, layers, 'esp', depth, ipPayload, esp, espFields);
			return data(frame, layers, depth, sealed);
		}
		case ipProtocols.udp: {
			const udp = decodeUdp(ipPayload);
			const udpPayload = take(frame, layers, 'udp', depth, ipPayload, udp, udpFields);
			if (!udpPayload || !udp.header) return;
			if (udp.header.dstPort === vxlanPort && depth < maxDepth) {
				const vxlan = take(frame, layers, 'vxlan', depth, udpPayload, decodeVxlan(udpPayload), vxlanFields);
				return vxlan && dissectEthernet(frame, vxlan, depth + 1, layers);
			}
			if ((udp.header.srcPort === dnsPort || udp.header.dstPort === dnsPort) && !ipv4.header.moreFragments) {
				return void take(frame, layers, 'dns', depth, udpPayload, decodeDns(udpPayload), (message) => dnsFields(message, udpPayload.length));
			}
			return data(frame, layers, depth, udpPayload);
		}
		default:
			return data(frame, layers, depth, ipPayload);
	}
}
