import { expect, test } from 'vitest';
import { decodeEthernet, isGroupMac } from '../../../../emulator/network/packet/ethernet.ts';
import { hex } from '../fixtures/synthetic-frames.ts';

const untagged = hex('02 5a 0a 00 03 3f 02 5a 0a 00 03 3e 08 00 45');
const tagged = hex('ff ff ff ff ff ff 02 42 0a 00 01 02 81 00 20 64 08 06 00 01');
const doubleTagged = hex('01 00 5e 00 00 fb 02 42 0a 00 01 02 88 a8 00 0a 81 00 00 14 08 00 45');

test.each([
	['untagged IPv4', untagged, { dst: '02:5a:0a:00:03:3f', src: '02:5a:0a:00:03:3e', type: 0x0800 }, 1],
	['802.1Q tag (VLAN 100) skipped', tagged, { dst: 'ff:ff:ff:ff:ff:ff', src: '02:42:0a:00:01:02', type: 0x0806, vlan: 100 }, 2],
	['802.1ad then 802.1Q: outer VLAN kept', doubleTagged, { dst: '01:00:5e:00:00:fb', src: '02:42:0a:00:01:02', type: 0x0800, vlan: 10 }, 1],
])('%s', (_, bytes, header, payloadLength) => {
	const layer = decodeEthernet(bytes);
	expect(layer.header).toEqual(header);
	expect(layer.payload?.length).toBe(payloadLength);
	expect(layer.error).toBeUndefined();
});

test.each([
	[hex('02 5a 0a 00 03 3f 02 5a 0a'), 'truncated ethernet header (9 of 14 bytes)'],
	[hex('02 5a 0a 00 03 3f 02 5a 0a 00 03 3e 81 00 00'), 'truncated 802.1Q tag header (1 of 4 bytes)'],
])('a cut header is reported: %s', (bytes, error) => {
	expect(decodeEthernet(bytes).error).toBe(error);
});

test.each([
	['ff:ff:ff:ff:ff:ff', true],
	['01:00:5e:00:00:fb', true],
	['33:33:00:00:00:01', true],
	['02:5a:0a:00:03:3f', false],
])('%s is group-addressed: %s', (mac, group) => {
	expect(isGroupMac(hex(mac.replaceAll(':', ' ')))).toBe(group);
});
