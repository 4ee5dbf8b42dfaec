import { readFile } from 'node:fs/promises';
import { requireExchange, type ExchangeSimulator } from '@exgate/exchanges';
import type { ReplaySimulatorStart } from '../replay/protocol';

/** A replay's simulator in the test's own process (startEmbedded's `startReplaySimulator`), so the test can break its connections. */
export async function simulatorHere(start: ReplaySimulatorStart): Promise<ExchangeSimulator> {
  const frames = (await readFile(start.file, 'utf8')).split('\n');
  return (await requireExchange(start.exchange).loadSimulator()).start({ frames, host: start.host, restHistory: start.restHistory, pace: start.pace });
}
