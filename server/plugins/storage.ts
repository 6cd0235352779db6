// Gives routes the installation's file storage (`app.storage`).
import fp from 'fastify-plugin';
import { createFileStorage, type LocalFileStorage } from '../services/storage.ts';

declare module 'fastify' {
  interface FastifyInstance {
    storage: LocalFileStorage;
  }
}

export default fp(
  async function storagePlugin(app, options: { dataDir: string }) {
    const storage = createFileStorage(options);
    await storage.ensureRoot();
    app.decorate('storage', storage);
  },
  { name: 'storage' },
);
