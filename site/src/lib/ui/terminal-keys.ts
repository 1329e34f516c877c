// Copy and paste as in a desktop terminal: Ctrl/Cmd+C copies a selection (else Ctrl+C interrupts), Ctrl/Cmd+V pastes.
import type { Terminal } from '@xterm/xterm';

/** For `attachCustomKeyEventHandler`: returning false leaves the key to the browser, whose copy and paste events xterm handles. */
export function clipboardKeys(term: Pick<Terminal, 'hasSelection' | 'getSelection'>) {
	return (event: KeyboardEvent): boolean => {
		if (event.type !== 'keydown') return true;
		const modifier = event.ctrlKey || event.metaKey;
		if (!modifier || event.altKey) return true;
		const key = event.key.toLowerCase();
		if (key === 'c' && term.hasSelection()) {
			// The browser's copy event fills the clipboard through xterm; the Clipboard API is a second way where it is allowed.
			void globalThis.navigator?.clipboard?.writeText(term.getSelection()).catch(() => {});
			return false;
		}
		// Ctrl+Shift+C with nothing selected copies nothing, as in desktop terminals (no ^C sent).
		if (key === 'c' && event.shiftKey) return false;
		// Paste: the browser fires a paste event on xterm's textarea, which sends the text (bracketed when the shell asks).
		if (key === 'v') return false;
		return true;
	};
}
