/**
 * Points a ccxt Binance client at exgate the way a user would: every REST host becomes exgate's
 * base URL, and the websocket hosts become exgate's /fstream (USDⓈ-M) and /stream (spot) paths.
 */
export function pointAtExgate<T extends { urls: Record<string, unknown> }>(client: T, base: string, wsBase: string): T {
  const api = client.urls['api'] as Record<string, unknown>;
  for (const [key, url] of Object.entries(api)) {
    if (typeof url === 'string') api[key] = url.replace(/^https:\/\/[^/]+/, base);
  }
  const ws = api['ws'] as Record<string, unknown> | undefined;
  if (ws) {
    for (const [key, url] of Object.entries(ws)) {
      if (typeof url !== 'string') continue;
      ws[key] = url.replace(/^wss:\/\/fstream\.binance\.com/, `${wsBase}/fstream`).replace(/^wss:\/\/stream\.binance\.com:9443/, `${wsBase}/stream`);
    }
  }
  return client;
}
