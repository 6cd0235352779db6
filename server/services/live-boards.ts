// The live board's updates: one computation of a session's counts per update, shared by every open board (the
// projector, organizers' phones), at most one update per `intervalMs` however fast people arrive.
import type { LiveEvents } from './live-events.ts';

interface Board {
  viewers: Set<(payload: string) => void>;
  pending: NodeJS.Timeout | undefined;
  stopListening: () => void;
}

export class LiveBoards {
  readonly #boards = new Map<number, Board>();

  constructor(
    private readonly events: LiveEvents,
    /** The session's whole picture (counts per unit, latest arrivals), serialised once per update. */
    private readonly load: (sessionId: number) => Promise<unknown>,
    private readonly intervalMs = 400,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Sends the current picture to `viewer` now, then every update; returns the function that stops it. */
  async watch(sessionId: number, viewer: (payload: string) => void): Promise<() => void> {
    let board = this.#boards.get(sessionId);
    if (!board) {
      const created: Board = { viewers: new Set(), pending: undefined, stopListening: () => undefined };
      created.stopListening = this.events.subscribe(sessionId, () => {
        created.pending ??= setTimeout(() => void this.#update(sessionId, created), this.intervalMs);
      });
      this.#boards.set(sessionId, (board = created));
    }
    board.viewers.add(viewer);
    const stop = () => {
      const current = this.#boards.get(sessionId);
      if (!current || !current.viewers.delete(viewer) || current.viewers.size > 0) return;
      current.stopListening();
      if (current.pending) clearTimeout(current.pending);
      this.#boards.delete(sessionId);
    };
    try {
      viewer(JSON.stringify(await this.load(sessionId)));
    } catch (error) {
      this.onError(error);
    }
    return stop;
  }

  /** Stops every board (the app is closing). */
  close(): void {
    for (const board of this.#boards.values()) {
      board.stopListening();
      if (board.pending) clearTimeout(board.pending);
    }
    this.#boards.clear();
  }

  async #update(sessionId: number, board: Board): Promise<void> {
    board.pending = undefined;
    if (board.viewers.size === 0) return;
    try {
      const payload = JSON.stringify(await this.load(sessionId));
      for (const viewer of board.viewers) viewer(payload);
    } catch (error) {
      this.onError(error);
    }
  }
}
