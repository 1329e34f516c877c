// Monaco, as much of it as editing a stack file or a script needs: the editor core, a few editing features, YAML
// and shell highlighting, its one worker. Imported only when the editor is first opened.
import * as monaco from 'monaco-editor/editor/editor.api.js';
import 'monaco-editor/features/find/register.js';
import 'monaco-editor/features/clipboard/register.js';
import 'monaco-editor/features/comment/register.js';
import 'monaco-editor/features/bracketMatching/register.js';
import 'monaco-editor/features/folding/register.js';
import 'monaco-editor/features/indentation/register.js';
import 'monaco-editor/features/linesOperations/register.js';
import 'monaco-editor/features/multicursor/register.js';
import 'monaco-editor/features/wordOperations/register.js';
// Ctrl+M: Tab moves the focus out of the editor instead of indenting, for keyboard users.
import 'monaco-editor/features/toggleTabFocusMode/register.js';
import 'monaco-editor/languages/definitions/yaml/register.js';
import 'monaco-editor/languages/definitions/shell/register.js';
import EditorWorker from 'monaco-editor/editor/editor.worker.js?worker';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

/** The language Monaco highlights a file in, from its name. */
export function languageOf(path: string): string {
	if (/\.ya?ml$/i.test(path)) return 'yaml';
	if (/\.(sh|bash)$/i.test(path) || /(^|\/)\.?bashrc$/.test(path)) return 'shell';
	return 'plaintext';
}

export { monaco };
