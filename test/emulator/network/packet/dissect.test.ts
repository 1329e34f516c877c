import { describe, expect, test } from 'vitest';
import { dissectFrame, type DissectedLayer } from '../../../../emulator/network/packet/dissect.ts';
import { syntheticFrames } from '../fixtures/synthetic-frames.ts';

const names = (layers: DissectedLayer[]) => layers.map((layer) => `${'  '.repeat(layer.depth)}${layer.name}`);
const field = (layers: DissectedLayer[], id: string, depth = 0) => {
	const found = layers.filter((layer) => layer.depth === depth).flatMap((layer) => layer.fields).find((candidate) => candidate.id === id);
	if (!found) throw new Error(`no field ${id} at depth ${depth}`);
	return found;
};

describe('dissectFrame', () => {
	test('a VXLAN frame: outer layers, then the frame it carries one level deeper, each field at its bytes', () => {
		const bytes = syntheticFrames.vxlanIcmp.bytes;
		const layers = dissectFrame(bytes);
		expect(names(layers)).toEqual(['ethernet', 'ipv4', 'udp', 'vxlan', '  ethernet', '  ipv4', '  icmp', '  data']);
		// Outer Ethernet 14 + IPv4 20 + UDP 8: the VXLAN header is bytes 42-49, its VNI the three bytes from 46.
		expect(layers[3]).toMatchObject({ start: 42, end: 50 });
		const vni = field(layers, 'vxlan.vni');
		expect(vni).toMatchObject({ value: '4097', start: 46, end: 49 });
		expect((bytes[46] << 16) | (bytes[47] << 8) | bytes[48]).toBe(4097);
		const innerSrc = field(layers, 'ipv4.src', 1);
		expect(innerSrc.value).toBe('10.0.1.2');
		expect([...bytes.subarray(innerSrc.start, innerSrc.end)]).toEqual([10, 0, 1, 2]);
		expect(field(layers, 'icmp.type', 1).value).toBe('8 (echo request)');
		expect(field(layers, 'udp.dstPort').value).toBe('4789');
		// Layers follow one another without gaps, to the end of the frame.
		const ends = layers.slice(0, -1).map((layer) => layer.end);
		expect(layers.slice(1).map((layer) => layer.start)).toEqual(ends);
		expect(layers.at(-1)!.end).toBe(bytes.length);
	});

	test('an encrypted overlay frame: ESP with its SPI and sequence, then sealed bytes', () => {
		const layers = dissectFrame(syntheticFrames.espOverlay.bytes);
		expect(names(layers)).toEqual(['ethernet', 'ipv4', 'esp', 'data']);
		expect(field(layers, 'ipv4.protocol').value).toBe('ESP (50)');
		expect(field(layers, 'esp.spi')).toMatchObject({ start: 34, end: 38 });
	});

	test('ARP, DNS and TCP: each protocol names its fields', () => {
		const arp = dissectFrame(syntheticFrames.arpRequest.bytes);
		expect(names(arp)).toEqual(['ethernet', 'arp']);
		expect(field(arp, 'arp.targetIp')).toMatchObject({ value: '10.0.3.63', start: 38, end: 42 });
		const dns = dissectFrame(syntheticFrames.dnsAnswer.bytes);
		expect(names(dns)).toEqual(['ethernet', 'ipv4', 'udp', 'dns']);
		expect(field(dns, 'dns.flags').value).toMatch(/^response, NOERROR/);
		const syn = dissectFrame(syntheticFrames.tcpSynControlPlane.bytes);
		expect(field(syn, 'tcp.flags').value).toBe('SYN');
		expect(field(syn, 'tcp.dstPort').value).toBe('2377');
	});

	test('a second fragment has no transport header: its bytes are data; a cut frame says where it broke', () => {
		expect(names(dissectFrame(syntheticFrames.vxlanFragmentSecond.bytes))).toEqual(['ethernet', 'ipv4', 'data']);
		const cut = dissectFrame(syntheticFrames.truncatedTcpSyn.bytes);
		expect(cut.at(-1)).toMatchObject({ name: 'tcp', fields: [] });
		expect(cut.at(-1)!.error).toMatch(/truncated tcp/);
		expect(dissectFrame(new Uint8Array(5))).toEqual([{ name: 'ethernet', depth: 0, start: 0, end: 5, fields: [], error: 'truncated ethernet header (5 of 14 bytes)' }]);
	});
});
