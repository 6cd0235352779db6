// Live events (a check-in happened in session N) behind a small interface: in-process today, a shared
// broker (Redis, PostgreSQL LISTEN/NOTIFY) when several app instances serve one database.
import { EventEmitter } from 'node:events';

export interface LiveEvents {
  publish(sessionId: number): void;
  subscribe(sessionId: number, listener: () => void): () => void;
}

/** One process's bus: listeners of a session hear every publish for it. */
export function createInProcessLiveEvents(): LiveEvents {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish(sessionId) {
      emitter.emit(`session:${sessionId}`);
    },
    subscribe(sessionId, listener) {
      emitter.on(`session:${sessionId}`, listener);
      return () => emitter.off(`session:${sessionId}`, listener);
    },
  };
}
