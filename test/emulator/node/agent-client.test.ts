import { describe, expect, test } from 'vitest';
import { AgentClient, AgentError } from '../../../emulator/node/agent-client.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A client whose requests are recorded as text, and a way to play the guest's side of the line. */
function connectedClient() {
	const sent: string[] = [];
	const client = new AgentClient((bytes) => sent.push(decoder.decode(bytes)));
	const reply = (id: number | string, exit: number | string, stdout: string, stderr = '') => {
		const out = encoder.encode(stdout);
		const err = encoder.encode(stderr);
		const header = encoder.encode(`\x1e${id} ${exit} ${out.length} ${err.length}\n`);
		const bytes = new Uint8Array(header.length + out.length + err.length);
		bytes.set(header);
		bytes.set(out, header.length);
		bytes.set(err, header.length + out.length);
		return bytes;
	};
	return { client, sent, reply };
}

describe('the agent line protocol', () => {
	test('a request is one line: backslashes doubled, newlines written as \\n', () => {
		const { client, sent } = connectedClient();
		const pending = client.exec('printf "a\\tb"\necho done', { timeoutMs: 5000 });
		expect(sent).toEqual(['1 5 printf "a\\\\tb"\\necho done\n']);
		client.abandon('test over', 'stopped');
		return expect(pending).rejects.toMatchObject({ code: 'stopped' });
	});

	test('a command or a timeout it cannot send is refused with the reason, and nothing goes on the line', async () => {
		const { client, sent } = connectedClient();
		await expect(client.exec('  ')).rejects.toThrow('a command to run is a non-empty string, not "  "');
		await expect(client.exec('true', { timeoutMs: Number('abc') })).rejects.toThrow('timeoutMs is a whole number of milliseconds from 1 to 86400000, not NaN');
		await expect(client.exec('true', { timeoutMs: 0 })).rejects.toThrow(RangeError);
		await expect(client.exec('true', { timeoutMs: 2 ** 31 })).rejects.toThrow(RangeError);
		expect(sent).toEqual([]);
	});

	test('a reply is read by its byte counts, whatever it contains and however the bytes arrive', async () => {
		const { client, reply } = connectedClient();
		const result = client.exec('anything');
		const bytes = reply(1, 3, 'é\n\x1e2 0 0 0\nnot a header\n\n', 'warning: é\n');
		for (let at = 0; at < bytes.length; at += 3) client.receive(bytes.subarray(at, at + 3));
		await expect(result).resolves.toMatchObject({ exit: 3, stdout: 'é\n\x1e2 0 0 0\nnot a header\n\n', stderr: 'warning: é\n' });
	});

	test('replies come back in any order, and noise before a header is skipped', async () => {
		const { client, reply } = connectedClient();
		const first = client.exec('slow');
		const second = client.exec('fast');
		client.receive(encoder.encode('garbage from a restore\n'));
		client.receive(reply(2, 0, 'fast\n'));
		client.receive(reply(1, 0, ''));
		await expect(second).resolves.toMatchObject({ exit: 0, stdout: 'fast\n' });
		await expect(first).resolves.toMatchObject({ exit: 0, stdout: '', stderr: '' });
	});

	test('the ready announcement and a guest-side timeout', async () => {
		const { client, reply } = connectedClient();
		client.receive(reply('ready', 0, ''));
		await expect(client.announced).resolves.toBeUndefined();
		const result = client.exec('sleep 100', { timeoutMs: 1000 });
		client.receive(reply(1, 'timeout', ''));
		await expect(result).rejects.toMatchObject({ code: 'timeout', message: expect.stringMatching(/^command timed out after \d+ ms$/) });
	});

	test('an agent that announces itself again was started anew: what the old one ran fails at once, the new one answers', async () => {
		const { client, reply } = connectedClient();
		const lost = [client.exec('sleep 100'), client.exec('docker ps')];
		client.receive(reply('ready', 0, ''));
		for (const request of lost) await expect(request).rejects.toMatchObject({ code: 'unreachable', message: expect.stringContaining('agent restarted') });
		const next = client.exec('echo back');
		client.receive(reply(3, 0, 'back\n'));
		await expect(next).resolves.toMatchObject({ exit: 0, stdout: 'back\n' });
	});
});
