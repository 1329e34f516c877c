// gzip both ways the same in a browser and in Node.js: the browser's native DecompressionStream, or Node's zlib
// (Node's DecompressionStream runs the same zlib behind Web Streams written in JavaScript, and took 3-6 times longer).

const inNode = typeof process !== 'undefined' && !!process.versions?.node;

async function nodeZlib() {
	const zlibName = 'node:zlib';
	return (await import(/* @vite-ignore */ zlibName)) as typeof import('node:zlib');
}

/** Inflates gzip data into a new buffer. */
export async function gunzip(data: Uint8Array): Promise<Uint8Array> {
	if (inNode) {
		const { gunzip: inflate } = await nodeZlib();
		// Output chunks of 16 MB (a pack's size): zlib's default 16 KB chunks made inflating three times slower.
		return new Promise((resolve, reject) => inflate(data, { chunkSize: 1 << 24 }, (error, out) => (error ? reject(error) : resolve(out))));
	}
	const stream = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
	return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Inflates gzip data straight into `target` (which may be shared memory), chunk by chunk; returns the bytes written. */
export async function gunzipInto(data: Uint8Array, target: Uint8Array): Promise<number> {
	let written = 0;
	const put = (chunk: Uint8Array) => {
		if (written + chunk.byteLength > target.byteLength) throw new Error(`inflates to more than ${target.byteLength} bytes`);
		target.set(chunk, written);
		written += chunk.byteLength;
	};
	if (inNode) {
		const { createGunzip } = await nodeZlib();
		await new Promise<void>((resolve, reject) => {
			const inflate = createGunzip({ chunkSize: 1 << 20 });
			inflate.on('data', (chunk: Uint8Array) => {
				try {
					put(chunk);
				} catch (error) {
					inflate.destroy(error as Error);
				}
			});
			inflate.on('error', reject);
			inflate.on('end', resolve);
			inflate.end(data);
		});
		return written;
	}
	const reader = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) return written;
		put(value);
	}
}

/** Compresses data with gzip (a snapshot of a machine, before it is kept). */
export async function gzip(data: Uint8Array): Promise<Uint8Array> {
	if (inNode) {
		const { gzip: deflate } = await nodeZlib();
		return new Promise((resolve, reject) => deflate(data, { chunkSize: 1 << 24 }, (error, out) => (error ? reject(error) : resolve(out))));
	}
	const stream = new Blob([data as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'));
	return new Uint8Array(await new Response(stream).arrayBuffer());
}
