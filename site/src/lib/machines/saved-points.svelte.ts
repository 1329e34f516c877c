// The saved points of this browser, as the page shows them: taking one from the running machines (one at a time),
// listing, deleting, and dropping those of another image build. Storage is point-store.ts.
import type { ClusterSnapshot } from '$emulator/cluster/cluster.ts';
import { machines } from './machines.svelte.ts';
import { deletePoints, keepPoint, listPoints, NoRoomError, pointId, readPoint, type SavedPoint, type SavedPointKind } from './point-store.ts';

export type { SavedPoint, SavedPointKind };
export { pointId };

/** What the storage panel tells the student besides the list. */
export type PointsNotice =
	| { kind: 'no-room' }
	| { kind: 'discarded'; count: number }
	| { kind: 'failed'; reason: string }
	/** A point asked for could not be read: the machines stayed as they were (or started from the chapter's start). */
	| { kind: 'lost' };

class SavedPoints {
	/** Every point kept in this browser, oldest first. */
	list = $state.raw<SavedPoint[]>([]);
	/** The point being taken now: the machines pause for the seconds it takes. */
	saving = $state.raw<string | null>(null);
	notice = $state.raw<PointsNotice | null>(null);
	private taking: Promise<unknown> = Promise.resolve();

	/** Reads the list again; storage that cannot be read shows as an empty list, never as an error loop. */
	async refresh() {
		try {
			this.list = await listPoints();
		} catch {
			this.list = [];
		}
	}

	find(id: string): SavedPoint | undefined {
		return this.list.find((point) => point.id === id);
	}

	/**
	 * Takes a point from the running machines (after the ones already asked for). A resume point asked while another
	 * save runs is dropped: the next one will do. Never throws: a full quota or a failed save becomes the notice.
	 */
	take(chapterId: string, kind: SavedPointKind, checkpointId?: string): Promise<unknown> {
		const id = pointId(chapterId, kind, checkpointId);
		if (kind === 'resume' && this.saving) return this.taking;
		const run = async () => {
			const cluster = machines.cluster;
			const buildKey = machines.buildKey;
			if (!cluster || !buildKey || machines.phase !== 'running') return;
			this.saving = id;
			try {
				const snapshot = await cluster.snapshot();
				if (machines.cluster !== cluster) return;
				await keepPoint({ chapterId, kind, checkpointId, buildKey, takenAt: snapshot.takenAt }, snapshot);
				if (this.notice?.kind !== 'discarded') this.notice = null;
			} catch (error) {
				this.notice = error instanceof NoRoomError ? { kind: 'no-room' } : { kind: 'failed', reason: (error as Error).message };
			} finally {
				this.saving = null;
				await this.refresh();
			}
		};
		this.taking = this.taking.then(run, run);
		return this.taking;
	}

	/** A kept point's snapshot for this image build, or `undefined` (gone, unreadable, another build). */
	async read(id: string, buildKey: string): Promise<ClusterSnapshot | undefined> {
		const point = this.find(id);
		if (!point || point.buildKey !== buildKey) return undefined;
		try {
			return await readPoint(id);
		} catch {
			return undefined;
		}
	}

	async remove(ids: string[]) {
		try {
			await deletePoints(ids);
		} catch (error) {
			this.notice = { kind: 'failed', reason: (error as Error).message };
		}
		await this.refresh();
	}

	/** Points taken on another image build cannot be restored on this one: they are deleted, and the student told. */
	async discardOtherBuilds(buildKey: string) {
		await this.refresh();
		const stale = this.list.filter((point) => point.buildKey !== buildKey).map((point) => point.id);
		if (stale.length === 0) return;
		await this.remove(stale);
		this.notice = { kind: 'discarded', count: stale.length };
	}
}

export const savedPoints = new SavedPoints();
