// The root disk: an ext4 image made from a folder (mke2fs -d, no mount), cut into gzip chunks any static server can serve.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readSync, closeSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { run } from './run.ts';

export const diskChunkSize = 512 * 1024;

export function makeExt4(rootfs: string, image: string) {
	const used = Number(run('du', ['-s', '--block-size=1M', rootfs]).split('\t')[0]);
	const sizeMB = Math.ceil((used * 1.15 + 32) / 4) * 4;
	rmSync(image, { force: true });
	run('mke2fs', ['-q', '-t', 'ext4', '-O', '^has_journal', '-m', '0', '-L', 'swarmlab', '-E', 'root_owner=0:0', '-d', rootfs, image, `${sizeMB}M`]);
}

/**
 * Writes every gzipped chunk named by its content, and returns each chunk's file in disk order (the manifest's
 * `disk.chunks`). A name never changes meaning, so a cache may keep a chunk forever, and identical chunks (all zeros,
 * mostly) are one file.
 */
export function chunkImage(image: string, vmDir: string): string[] {
	rmSync(join(vmDir, 'disk'), { recursive: true, force: true });
	mkdirSync(join(vmDir, 'disk'), { recursive: true });
	const size = statSync(image).size;
	if (size % diskChunkSize !== 0) throw new Error(`disk image size ${size} is not a multiple of ${diskChunkSize}`);
	const fd = openSync(image, 'r');
	const buffer = Buffer.alloc(diskChunkSize);
	const chunks: string[] = [];
	for (let index = 0; index < size / diskChunkSize; index++) {
		readSync(fd, buffer, 0, diskChunkSize, index * diskChunkSize);
		const gz = gzipSync(buffer, { level: 9 });
		const file = `disk/${createHash('sha256').update(gz).digest('hex').slice(0, 16)}.chunk`;
		if (!existsSync(join(vmDir, file))) writeFileSync(join(vmDir, file), gz);
		chunks.push(file);
	}
	closeSync(fd);
	return chunks;
}
