// Cross-origin isolation: with these two headers on its responses a page may share memory with its workers
// (SharedArrayBuffer), so the machines' workers read a saved state where it was inflated instead of each receiving
// its own copy (750 MB copied on the page's thread for three nodes). Every same-origin file qualifies as it is.
export const isolationHeaders: Readonly<Record<string, string>> = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp',
};
