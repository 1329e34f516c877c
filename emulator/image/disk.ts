// The root disk: an ext4 image made from a folder (mke2fs -d, no mount), cut into gzip chunks any static server can serve.
import { mkdirSync, openSync, readSync, closeSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { run } from './run.ts';
import { vmFileNames } from '../node/vm-files.ts';

export const diskChunkSize = 512 * 1024;

export function makeExt4(rootfs: string, image: string) {
	const used = Number(run('du', ['-s', '--block-size=1M', rootfs]).split('\t')[0]);
	const sizeMB = Math.ceil((used * 1.15 + 32) / 4) * 4;
	rmSync(image, { force: true });
	run('mke2fs', ['-q', '-t', 'ext4', '-O', '^has_journal', '-m', '0', '-L', 'swarmlab', '-E', 'root_owner=0:0', '-d', rootfs, image, `${sizeMB}M`]);
}

/** Write every gzipped chunk under its name in the manifest; returns the chunk count. All-zero chunks are written too (tiny once gzipped). */
export function chunkImage(image: string, vmDir: string): number {
	rmSync(join(vmDir, 'disk'), { recursive: true, force: true });
	mkdirSync(join(vmDir, 'disk'), { recursive: true });
	const size = statSync(image).size;
	if (size % diskChunkSize !== 0) throw new Error(`disk image size ${size} is not a multiple of ${diskChunkSize}`);
	const fd = openSync(image, 'r');
	const buffer = Buffer.alloc(diskChunkSize);
	const count = size / diskChunkSize;
	for (let index = 0; index < count; index++) {
		readSync(fd, buffer, 0, diskChunkSize, index * diskChunkSize);
		writeFileSync(join(vmDir, vmFileNames.diskChunk(index)), gzipSync(buffer, { level: 9 }));
	}
	closeSync(fd);
	return count;
}
