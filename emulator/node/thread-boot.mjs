// Boots a worker_threads worker whose entry is TypeScript: registers tsx in this thread first.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
