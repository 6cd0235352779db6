// Security headers with a strict Content-Security-Policy (no inline script or style), and rate limiting.
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import { TooManyRequestsError } from '../errors.ts';

export default fp(
  async function securityPlugin(app) {
    await app.register(fastifyHelmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:', 'blob:'],
          'media-src': ["'self'", 'blob:'],
          'font-src': ["'self'"],
          'connect-src': ["'self'"],
          'form-action': ["'self'"],
          'frame-ancestors': ["'none'"],
          'base-uri': ["'none'"],
          'object-src': ["'none'"],
        },
      },
      // Served on plain HTTP inside agency networks too; HSTS belongs to the HTTPS proxy in front.
      strictTransportSecurity: false,
      crossOriginEmbedderPolicy: false,
    });
    // Routes opt in (login, code lookups); a general ceiling would throttle a check-in burst from one NAT.
    await app.register(fastifyRateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) => {
        const error = new TooManyRequestsError(
          `Bạn đã thử quá nhiều lần. Vui lòng thử lại sau ${Math.ceil(context.ttl / 60_000)} phút.`,
        );
        return error;
      },
    });
  },
  { name: 'security' },
);
