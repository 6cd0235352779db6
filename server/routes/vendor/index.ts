// Browser libraries from node_modules, served from our own origin: the CSP allows scripts from 'self' only.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);

/** One file read once at startup, with a strong ETag so a stale copy is refreshed by a cheap 304 round trip. */
function vendorFile(specifier: string): { body: Buffer; etag: string } {
  const body = readFileSync(require.resolve(specifier));
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/** The jsQR decoder for the door scanner on browsers without a native BarcodeDetector; the tus client for uploads. */
export default async function vendorRoutes(app: FastifyInstance) {
  const files = { 'jsqr.js': vendorFile('jsqr/dist/jsQR.js'), 'tus.js': vendorFile('tus-js-client/dist/tus.min.js') };
  for (const [name, file] of Object.entries(files)) {
    app.get(`/assets/vendor/${name}`, { config: { access: 'public' } }, async (request, reply) => {
      // The URL carries no version, so the cache is long but not immutable: after an upgrade a browser
      // revalidates within a week and gets the new file.
      reply.header('cache-control', 'public, max-age=604800').header('etag', file.etag);
      if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
      return reply.type('application/javascript; charset=utf-8').send(file.body);
    });
  }
}
