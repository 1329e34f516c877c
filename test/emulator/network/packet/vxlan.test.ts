import { expect, test } from 'vitest';
import { decodeVxlan } from '../../../../emulator/network/packet/vxlan.ts';
import { hex } from '../fixtures/synthetic-frames.ts';

test.each([
	['Docker\'s first overlay VNI', '08 00 00 00 00 10 01 00', { flags: 0x08, vni: 4097 }, undefined],
	['the largest VNI', '08 00 00 00 ff ff ff 00', { flags: 0x08, vni: 0xffffff }, undefined],
	['I flag missing', '00 00 00 00 00 10 01 00', { flags: 0, vni: 4097 }, 'vxlan I flag not set (flags 0x0)'],
])('%s', (_, bytes, header, error) => {
	const layer = decodeVxlan(hex(`${bytes} aa bb`));
	expect(layer.header).toEqual(header);
	expect([...layer.payload!]).toEqual([0xaa, 0xbb]);
	expect(layer.error).toBe(error);
});

test('a cut header', () => {
	expect(decodeVxlan(hex('08 00 00 00 00'))).toEqual({ error: 'truncated vxlan header (5 of 8 bytes)' });
});
