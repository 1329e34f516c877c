import { describe, expect, it } from 'vitest';
import { ShellMarks } from '../../../emulator/node/shell-marks.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const started = '\x1b]133;C\x07';
const ended = (status: number) => `\x1b]133;D;${status}\x07`;
const prompt = 'root@manager:~# ';

function scanner() {
	const ends: number[] = [];
	return { ends, marks: new ShellMarks((exitCode) => ends.push(exitCode)) };
}

describe('the shell marks in a console stream', () => {
	it('reports a command that started and ended, with its status', () => {
		const { ends, marks } = scanner();
		marks.scan(bytes(`${ended(0)}${prompt}docker ps\r\n${started}CONTAINER ID\r\n${ended(1)}${prompt}`));
		expect(ends).toEqual([1]);
	});

	it('reports nothing for a prompt with no command before it (Enter on an empty line, the first prompt)', () => {
		const { ends, marks } = scanner();
		marks.scan(bytes(`${ended(0)}${prompt}\r\n${ended(0)}${prompt}`));
		expect(ends).toEqual([]);
	});

	it('finds a mark cut across chunks, one byte at a time', () => {
		const { ends, marks } = scanner();
		for (const char of `${started}out\r\n${ended(130)}${prompt}`) marks.scan(bytes(char));
		expect(ends).toEqual([130]);
	});

	it('ignores other escape sequences and a mark that never ends', () => {
		const { ends, marks } = scanner();
		marks.scan(bytes(`\x1b[1;32mroot\x1b[0m \x1b]0;title\x07${started}`));
		marks.scan(bytes(`\x1b]133;${'x'.repeat(100)}`));
		marks.scan(bytes(`${ended(2)}`));
		expect(ends).toEqual([2]);
	});
});
