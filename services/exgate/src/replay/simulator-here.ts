import { readFile } from 'node:fs/promises';
import { requireExchange, type ExchangeSimulator } from '@exgate/exchanges';
import type { ReplaySimulatorStart } from './protocol';

/**
 * A replay's simulator in the calling process: what the simulator's own process runs
 * (simulator-process.ts), and what a test passes as startEmbedded's `startReplaySimulator` when it
 * breaks the simulator's connections.
 */
export async function startSimulatorHere(start: ReplaySimulatorStart): Promise<ExchangeSimulator> {
  const frames = (await readFile(start.file, 'utf8')).split('\n');
  return (await requireExchange(start.exchange).loadSimulator())
    .start({ frames, host: start.host, restHistory: start.restHistory, pace: start.pace });
}
