import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsRegistry } from './metrics';

export interface ReadinessCheck {
  (): Promise<Readonly<Record<string, boolean>>>;
}

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * /healthz (the process is alive), /readyz (its dependencies answer) and /metrics for services
 * that serve no other HTTP: Kubernetes probes and Prometheus scrape every service the same way.
 */
export async function startOpsServer(options: {
  port: number;
  host?: string;
  metrics: MetricsRegistry;
  ready: ReadinessCheck;
}): Promise<OpsServer> {
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/healthz') return send(res, 200, 'application/json', '{"status":"ok"}');
    if (url === '/metrics') return send(res, 200, 'text/plain; version=0.0.4', options.metrics.render());
    if (url === '/readyz') {
      options
        .ready()
        .then((checks) => {
          const ready = Object.values(checks).every(Boolean);
          send(res, ready ? 200 : 503, 'application/json', JSON.stringify({ ready, checks }));
        })
        .catch((e: unknown) => send(res, 503, 'application/json', JSON.stringify({ ready: false, error: String(e) })));
      return;
    }
    send(res, 404, 'application/json', '{"code":5,"message":"not found","details":[]}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}
