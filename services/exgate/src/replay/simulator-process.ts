import { errorMessage } from '@exgate/errors';
import type { FromSimulator, ReplaySimulatorStart, ToSimulator } from './protocol';
import { startSimulatorHere } from './simulator-here';

/** The replay's exchange in a process of its own (start-simulator.ts forks it). */
async function main(data: ReplaySimulatorStart): Promise<void> {
  const send = (m: FromSimulator) => process.send?.(m);
  let simulator;
  try {
    simulator = await startSimulatorHere(data);
  } catch (e) {
    send({ type: 'failed', message: errorMessage(e) });
    process.disconnect?.();
    return;
  }
  const sim = simulator;
  process.on('message', (m: ToSimulator) => {
    if (m.type === 'drained') void sim.drained(m.symbols).then(() => send({ type: 'drained', id: m.id }));
    else void sim.close().finally(() => process.exit(0));
  });
  // The process that replays is gone: so is its exchange.
  process.on('disconnect', () => void sim.close().finally(() => process.exit(0)));
  send({
    type: 'ready', wsBaseUrl: sim.wsBaseUrl, restBaseUrl: sim.restBaseUrl, symbols: [...sim.symbols], printCount: sim.printCount,
    ...(sim.credentials ? { credentials: sim.credentials } : {}),
  });
}

void main(JSON.parse(process.argv[2] ?? '{}') as ReplaySimulatorStart);
