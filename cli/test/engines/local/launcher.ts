import * as path from 'path';
import type { WorkerLauncher } from '../../../src/engines/local';

/** Worker threads for tests, which run from TypeScript sources. */
export const TS_WORKER: WorkerLauncher = { file: path.join(__dirname, 'ts-worker.js') };
