// Vitest global setup: the tests that start the real server run the compiled one, as `npm start` does; compile it
// once per run so it is never older than the sources.
import { buildServer } from '../helpers/processes.ts';

export default function setup(): void {
  buildServer();
}
