// The shell's own marks in a console stream. The guest's bashrc prints the escape sequences terminals use for shell
// integration (OSC 133): `ESC ] 133 ; C BEL` as a command starts, `ESC ] 133 ; D ; <status> BEL` before each prompt.
// A D that follows a C is a command that ended. Terminals draw nothing for them; nothing here reads the screen.

const introducer = '\x1b]133;';
/** A mark is a few bytes: anything longer without its BEL is not one. */
const longestMark = 32;
const bytesAsText = new TextDecoder('latin1');

export class ShellMarks {
	/** The start of a mark cut at the end of the previous chunk. */
	private carry = '';
	private commandRunning = false;

	constructor(private readonly onCommandEnd: (exitCode: number) => void) {}

	scan(data: Uint8Array) {
		const text = this.carry + bytesAsText.decode(data);
		this.carry = '';
		let from = 0;
		for (;;) {
			const start = text.indexOf(introducer, from);
			if (start < 0) break;
			const end = text.indexOf('\x07', start);
			if (end < 0) {
				if (text.length - start < longestMark) this.carry = text.slice(start);
				return;
			}
			this.mark(text.slice(start + introducer.length, end));
			from = end + 1;
		}
		const escape = text.lastIndexOf('\x1b');
		if (escape >= from && introducer.startsWith(text.slice(escape))) this.carry = text.slice(escape);
	}

	private mark(body: string) {
		if (body === 'C') {
			this.commandRunning = true;
		} else if (body.startsWith('D') && this.commandRunning) {
			this.commandRunning = false;
			const exitCode = Number(body.split(';')[1]);
			this.onCommandEnd(Number.isInteger(exitCode) ? exitCode : -1);
		}
	}
}
