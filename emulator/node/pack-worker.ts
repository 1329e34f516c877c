// Worker entry (browser): fills saved-state packs for the page, one job per message (emulator/node/pack-workers.ts).
import { runPackJob, type PackJob, type PackReply } from './pack-workers.ts';

const scope = globalThis as unknown as { postMessage(message: PackReply, transfer?: Transferable[]): void; onmessage: unknown };
scope.onmessage = (event: MessageEvent<PackJob>) => void runPackJob(event.data, (message, transfer) => scope.postMessage(message, transfer ?? []));
