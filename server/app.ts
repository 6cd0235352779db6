// The application as one Fastify instance: plugins, then routes, then the error and not-found handlers.
import fastifyFormbody from '@fastify/formbody';
import ajvErrorsModule from 'ajv-errors';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from './config.ts';
import { HttpError, ValidationError } from './errors.ts';
import authPlugin, { carriesDoorPass, wantsHtml } from './plugins/auth.ts';
import dbPlugin from './plugins/db.ts';
import securityPlugin from './plugins/security.ts';
import storagePlugin from './plugins/storage.ts';
import sessionPlugin from './plugins/session.ts';
import viewPlugin from './plugins/view.ts';
import accountRoutes from './routes/account/index.ts';
import agencyRoutes from './routes/agency/index.ts';
import auditRoutes from './routes/audit/index.ts';
import dashboardRoutes from './routes/dashboard/index.ts';
import authRoutes from './routes/auth/index.ts';
import healthRoutes from './routes/health/index.ts';
import homeRoutes from './routes/home/index.ts';
import setupRoutes from './routes/setup/index.ts';
import userRoutes from './routes/users/index.ts';
import unitRoutes from './routes/units/index.ts';
import peopleRoutes from './routes/people/index.ts';
import peopleImportRoutes from './routes/people-import/index.ts';
import planRoutes from './routes/plans/index.ts';
import sessionRoutes from './routes/sessions/index.ts';
import invitationRoutes from './routes/invitation/index.ts';
import letterRoutes from './routes/letters/index.ts';
import checkinRoutes from './routes/checkin/index.ts';
import reportRoutes from './routes/reports/index.ts';
import vendorRoutes from './routes/vendor/index.ts';
import materialRoutes from './routes/materials/index.ts';
import newsLinkRoutes from './routes/news-links/index.ts';
import { createInProcessLiveEvents } from './services/live-events.ts';
import { doorPassKey } from './services/door-pass.ts';
import { loadOrCreateSecrets } from './services/secrets.ts';

const STATUS_TITLES: Record<number, string> = {
  400: 'Yêu cầu không hợp lệ',
  401: 'Cần đăng nhập',
  403: 'Không có quyền truy cập',
  404: 'Không tìm thấy trang',
  405: 'Phương thức không được hỗ trợ',
  409: 'Dữ liệu xung đột',
  413: 'Dữ liệu quá lớn',
  415: 'Định dạng dữ liệu không được hỗ trợ',
  416: 'Đoạn dữ liệu yêu cầu không hợp lệ',
  422: 'Dữ liệu chưa hợp lệ',
  429: 'Quá nhiều yêu cầu',
  500: 'Lỗi hệ thống',
  503: 'Hệ thống tạm thời không phục vụ được',
};

// Errors raised by Fastify and its plugins carry English messages; users read these instead.
const LIBRARY_MESSAGES: Record<string, string> = {
  FST_CSRF_MISSING_SECRET: 'Phiên làm việc đã hết hạn. Vui lòng tải lại trang và gửi lại biểu mẫu.',
  FST_CSRF_INVALID_TOKEN: 'Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và gửi lại.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Dữ liệu gửi lên vượt quá giới hạn cho phép.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Định dạng dữ liệu gửi lên không được hỗ trợ.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Độ dài dữ liệu gửi lên không hợp lệ.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Dữ liệu gửi lên bị trống.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'Dữ liệu JSON gửi lên không hợp lệ.',
  FST_ERR_VALIDATION: 'Dữ liệu gửi lên không hợp lệ.',
  FST_ERR_BAD_URL: 'Địa chỉ yêu cầu không hợp lệ.',
};

/** The message a user may read for an error: ours as written, the libraries' translated, 5xx hidden. */
function publicMessage(error: FastifyError, status: number): string {
  if (status >= 500) return 'Đã có lỗi xảy ra phía máy chủ. Lỗi đã được ghi lại; vui lòng thử lại sau.';
  if (error instanceof HttpError) return error.message;
  return (error.code && LIBRARY_MESSAGES[error.code]) || STATUS_TITLES[status] || 'Yêu cầu không hợp lệ.';
}

async function sendError(request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  reply.code(status);
  // The layout's logout button needs a token even when the error struck before the page hooks ran.
  if (request.user && request.session && !request.viaDoorPass && !reply.locals.csrfToken) reply.locals.csrfToken = reply.generateCsrf();
  if (!wantsHtml(request) || request.method === 'HEAD') {
    return reply.send({ statusCode: status, error: STATUS_TITLES[status] ?? 'Lỗi', message });
  }
  try {
    return await reply.view('errors/error', { title: STATUS_TITLES[status] ?? 'Lỗi', status, message });
  } catch (renderError) {
    request.log.error({ err: renderError }, 'error page failed to render');
    return reply.type('text/plain; charset=utf-8').send(message);
  }
}

/** Registers everything the app is made of on a Fastify instance. */
export async function registerApp(app: FastifyInstance, config: Config): Promise<void> {
  const secrets = loadOrCreateSecrets(config.dataDir, { sessionSecret: config.sessionSecret });

  await app.register(fastifyFormbody, { bodyLimit: 1024 * 1024 });
  await app.register(dbPlugin, { filename: config.databaseFile, readers: config.dbReaders });
  await app.register(storagePlugin, { dataDir: config.dataDir });
  await app.register(securityPlugin);
  await app.register(viewPlugin, { production: config.env === 'production' });
  // A scan sent with a door pass needs no cookie session: none is made for it.
  await app.register(sessionPlugin, { secret: secrets.sessionSecret, ttlHours: config.sessionTtlHours, skip: carriesDoorPass });
  await app.register(authPlugin, { doorPassKey: doorPassKey(secrets.sessionSecret) });

  // Every state-changing request carries a CSRF token, whatever the route, except one authenticated by a door
  // pass: the pass travels in a request header (Authorization: Bearer) that a browser never attaches by itself to a
  // cross-site request, unlike a cookie, so a forged cross-site request cannot carry it: such a request is
  // immune to CSRF without a token.
  app.addHook('preValidation', async (request, reply) => {
    if (!request.viaDoorPass && ['POST', 'PUT', 'PATCH', 'DELETE'].includes(request.method) && request.routeOptions.config.csrf !== false) {
      await new Promise<void>((resolve, reject) => {
        app.csrfProtection(request, reply, (error?: Error) => (error ? reject(error) : resolve()));
      });
    }
  });

  // Set before the routes are registered: route plugins inherit the handlers their parent has at that moment.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: error.code, status, msg: error.message }, 'request refused');
    if (error instanceof ValidationError && !wantsHtml(request)) {
      return reply.code(422).send({ statusCode: 422, error: STATUS_TITLES[422], message: error.message, fields: error.fieldErrors });
    }
    return sendError(request, reply, status, publicMessage(error, status));
  });

  app.setNotFoundHandler(async (request, reply) =>
    sendError(request, reply, 404, 'Không tìm thấy trang hoặc dữ liệu yêu cầu. Vui lòng kiểm tra lại địa chỉ.'),
  );

  app.decorate('config', config);
  app.decorate('liveEvents', createInProcessLiveEvents());
  await app.register(healthRoutes);
  await app.register(homeRoutes);
  await app.register(setupRoutes);
  await app.register(authRoutes);
  await app.register(accountRoutes);
  await app.register(userRoutes);
  await app.register(agencyRoutes);
  await app.register(auditRoutes);
  await app.register(dashboardRoutes);
  await app.register(unitRoutes);
  await app.register(peopleRoutes);
  await app.register(peopleImportRoutes);
  await app.register(planRoutes);
  await app.register(sessionRoutes);
  await app.register(invitationRoutes);
  await app.register(letterRoutes);
  await app.register(checkinRoutes);
  await app.register(reportRoutes);
  await app.register(vendorRoutes);
  await app.register(materialRoutes);
  await app.register(newsLinkRoutes);

}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
  interface FastifyContextConfig {
    /** false only for routes that authenticate otherwise (none yet). */
    csrf?: boolean;
  }
}

/** Builds the app with the options the server uses; the tests call this very function. */
export async function createApp(config: Config, options: { logStream?: { write(line: string): void } } = {}): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    logger: {
      level: config.logLevel,
      ...(options.logStream && { stream: options.logStream }),
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
    },
    // A hop count is valid at run time (proxy-addr) though Fastify's types omit it.
    trustProxy: config.trustProxy as boolean | string[],
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false }, plugins: [ajvErrorsModule.default as never] },
  });
  await registerApp(app, config);
  return app;
}
