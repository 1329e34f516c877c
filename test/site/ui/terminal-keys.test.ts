import { describe, expect, test } from 'vitest';
import { clipboardKeys } from '../../../site/src/lib/ui/terminal-keys.ts';

const key = (key: string, modifiers: Partial<Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>> = {}, type = 'keydown') =>
	({ type, key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...modifiers }) as KeyboardEvent;

const terminal = (selection: string) => ({ hasSelection: () => selection !== '', getSelection: () => selection });

describe('clipboardKeys: true means xterm handles the key, false leaves it to the browser', () => {
	test.each([
		['Ctrl+C with a selection copies', key('c', { ctrlKey: true }), 'ls -l', false],
		['Cmd+C with a selection copies', key('c', { metaKey: true }), 'ls -l', false],
		['Ctrl+C without a selection interrupts (^C to the shell)', key('c', { ctrlKey: true }), '', true],
		['Ctrl+Shift+C without a selection does nothing', key('C', { ctrlKey: true, shiftKey: true }), '', false],
		['Ctrl+V pastes', key('v', { ctrlKey: true }), '', false],
		['Cmd+V pastes', key('v', { metaKey: true }), '', false],
		['Ctrl+Shift+V pastes', key('V', { ctrlKey: true, shiftKey: true }), '', false],
		['plain letters go to the shell', key('c'), 'ls', true],
		['Ctrl+D goes to the shell', key('d', { ctrlKey: true }), '', true],
		['Ctrl+Alt+C goes to the shell', key('c', { ctrlKey: true, altKey: true }), 'x', true],
		['key releases are left to xterm', key('c', { ctrlKey: true }, 'keyup'), 'x', true],
	])('%s', (_, event, selection, expected) => {
		expect(clipboardKeys(terminal(selection))(event)).toBe(expected);
	});
});
