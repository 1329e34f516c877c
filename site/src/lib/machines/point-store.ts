// Saved points of the machines, kept in this browser (IndexedDB): where a chapter was left (resume), and the cluster
// as it was right after each checkpoint passed (rewind). Each is a ClusterSnapshot, what changed since the image's
// start state, so it is only valid for the image build it was taken on. Descriptions and bytes are kept apart, so
// listing the points never reads megabytes.
import type { ClusterSnapshot } from '$emulator/cluster/cluster.ts';

export type SavedPointKind = 'resume' | 'checkpoint';

export interface SavedPoint {
	id: string;
	chapterId: string;
	kind: SavedPointKind;
	/** For a checkpoint point: the checkpoint that had just passed. */
	checkpointId?: string;
	/** The image build (manifest `buildKey`) the snapshot was taken over. */
	buildKey: string;
	takenAt: number;
	bytes: number;
}

/** The browser has no room for this point: the lab goes on, the point is not kept. */
export class NoRoomError extends Error {}

const dbName = 'swarmlab-saved-points';
const described = 'points';
const contents = 'snapshots';

export const pointId = (chapterId: string, kind: SavedPointKind, checkpointId?: string) =>
	kind === 'resume' ? `${chapterId}/resume` : `${chapterId}/checkpoint/${checkpointId}`;

let opened: Promise<IDBDatabase> | undefined;

function database(): Promise<IDBDatabase> {
	opened ??= new Promise<IDBDatabase>((resolve, reject) => {
		const request = indexedDB.open(dbName, 1);
		request.onupgradeneeded = () => {
			request.result.createObjectStore(described, { keyPath: 'id' });
			request.result.createObjectStore(contents);
		};
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
	opened.catch(() => (opened = undefined));
	return opened;
}

/** Runs `work` in one transaction over both stores; resolves once the transaction is committed. */
async function inTransaction<T>(mode: IDBTransactionMode, work: (points: IDBObjectStore, snapshots: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
	const db = await database();
	return new Promise<T | undefined>((resolve, reject) => {
		const transaction = db.transaction([described, contents], mode);
		const request = work(transaction.objectStore(described), transaction.objectStore(contents));
		transaction.oncomplete = () => resolve(request ? request.result : undefined);
		transaction.onabort = transaction.onerror = () => {
			const error = transaction.error ?? request?.error;
			reject(error?.name === 'QuotaExceededError' ? new NoRoomError(error.message) : error);
		};
	});
}

/** Keeps a point, replacing the one with the same id; `NoRoomError` when the browser has no room for it. */
export async function keepPoint(point: Omit<SavedPoint, 'id' | 'bytes'>, snapshot: ClusterSnapshot): Promise<SavedPoint> {
	const kept: SavedPoint = {
		...point,
		id: pointId(point.chapterId, point.kind, point.checkpointId),
		bytes: snapshot.nodes.reduce((sum, node) => sum + node.data.byteLength, 0),
	};
	await inTransaction('readwrite', (points, snapshots) => {
		points.put(kept);
		snapshots.put(snapshot, kept.id);
	});
	return kept;
}

export async function listPoints(): Promise<SavedPoint[]> {
	return ((await inTransaction('readonly', (points) => points.getAll() as IDBRequest<SavedPoint[]>)) ?? []).sort((a, b) => a.takenAt - b.takenAt);
}

/** A point's snapshot, or `undefined` when it is gone or unreadable (never a half snapshot). */
export async function readPoint(id: string): Promise<ClusterSnapshot | undefined> {
	const snapshot = await inTransaction('readonly', (_, snapshots) => snapshots.get(id) as IDBRequest<ClusterSnapshot | undefined>);
	const whole = snapshot && Array.isArray(snapshot.nodes) && snapshot.nodes.every((node) => node.data instanceof Uint8Array);
	return whole ? snapshot : undefined;
}

export async function deletePoints(ids: string[]) {
	if (ids.length === 0) return;
	await inTransaction('readwrite', (points, snapshots) => {
		for (const id of ids) {
			points.delete(id);
			snapshots.delete(id);
		}
	});
}
