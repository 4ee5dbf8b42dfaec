import { readFileSync } from 'node:fs';
import http from 'node:http';

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly bodyBytes: number;
  /** The server process's CPU time (user + system) per answered request, µs; NaN when unknown. */
  readonly serverCpuUsPerRequest: number;
}

/** CPU time of a process so far, ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/**
 * A small keep-alive load generator (autocannon's model): `connections` sockets, each sending the
 * next request as soon as the previous answer has been read in full, for `seconds` after a
 * warm-up. Latency is request start → last byte of the body.
 */
export async function load(url: string, connections: number, seconds: number, serverPid?: number, warmupSeconds = 1): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const options = { agent, host: target.hostname, port: target.port, path: `${target.pathname}${target.search}` };
  let measuring = false;
  let stop = false;
  let errors = 0;
  let bodyBytes = 0;
  const latencies: number[] = [];

  const once = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = http.get(options, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('end', () => {
          if (measuring) {
            if (res.statusCode === 200) latencies.push(performance.now() - started);
            else errors++;
            bodyBytes = bytes;
          }
          resolve();
        });
      });
      req.on('error', () => {
        if (measuring) errors++;
        resolve();
      });
    });

  const loops = Array.from({ length: connections }, async () => {
    while (!stop) await once();
  });
  await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
  measuring = true;
  const startedAt = performance.now();
  const cpuAtStart = cpuMs(serverPid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const serverCpuMs = cpuMs(serverPid) - cpuAtStart;
  const elapsedS = (performance.now() - startedAt) / 1000;
  stop = true;
  await Promise.all(loops);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { requests: latencies.length, errors, perSecond: latencies.length / elapsedS, p50Ms: at(0.5), p99Ms: at(0.99), bodyBytes,
    serverCpuUsPerRequest: (serverCpuMs * 1000) / latencies.length };
}
