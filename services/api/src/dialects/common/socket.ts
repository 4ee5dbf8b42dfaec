import type { WebSocket } from '@fastify/websocket';

const OPEN = 1;
/** 1013 "try again later": the client reads slower than exgate writes, as on /ws/v1. */
const CLOSE_SLOW_CONSUMER = 1013;

/** Sends unless the socket is gone; a client with more than `maxBufferedBytes` unsent is closed. */
export function sendGuarded(socket: WebSocket, maxBufferedBytes: number, data: string | Buffer): void {
  if (socket.readyState !== OPEN) return;
  if (socket.bufferedAmount > maxBufferedBytes) {
    socket.close(CLOSE_SLOW_CONSUMER, 'slow consumer');
    return;
  }
  socket.send(data, { binary: typeof data !== 'string' });
}
