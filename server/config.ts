// The one place that reads the environment: a TypeBox schema, validated at start.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import ajvErrorsModule from 'ajv-errors';
import envSchema from 'env-schema';

// ajv-errors is CommonJS; under NodeNext its default import is the module object.
const addErrorMessages = ajvErrorsModule.default;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const EnvSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('production'), Type.Literal('development'), Type.Literal('test')], {
    default: 'production',
    errorMessage: 'phải là production, development hoặc test',
  }),
  HOST: Type.String({ default: '0.0.0.0', minLength: 1, errorMessage: 'phải là địa chỉ IP hoặc tên máy' }),
  PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535, errorMessage: 'phải là số nguyên từ 0 đến 65535' }),
  DATA_DIR: Type.String({ default: './data', minLength: 1, errorMessage: 'phải là đường dẫn thư mục' }),
  PUBLIC_URL: Type.Optional(
    Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$', errorMessage: 'phải là địa chỉ http:// hoặc https://' }),
  ),
  TRUST_PROXY: Type.String({
    default: 'false',
    pattern: '^(true|false|[0-9]+|[0-9a-fA-F.:/]+(,\\s*[0-9a-fA-F.:/]+)*)$',
    errorMessage: 'phải là true, false, số bước proxy hoặc danh sách địa chỉ IP/CIDR',
  }),
  LOG_LEVEL: Type.Union(
    LOG_LEVELS.map((level) => Type.Literal(level)),
    { default: 'info', errorMessage: `phải là một trong: ${LOG_LEVELS.join(', ')}` },
  ),
  SESSION_SECRET: Type.Optional(Type.String({ minLength: 32, errorMessage: 'phải dài ít nhất 32 ký tự' })),
  SESSION_TTL_HOURS: Type.Integer({ default: 12, minimum: 1, maximum: 720, errorMessage: 'phải là số giờ từ 1 đến 720' }),
  UPLOAD_MAX_FILE_MB: Type.Integer({ default: 100, minimum: 1, maximum: 10240, errorMessage: 'phải là số MB từ 1 đến 10240' }),
  UPLOAD_MAX_PHOTO_MB: Type.Integer({ default: 50, minimum: 1, maximum: 10240, errorMessage: 'phải là số MB từ 1 đến 10240' }),
  UPLOAD_MAX_VIDEO_MB: Type.Integer({ default: 20480, minimum: 1, maximum: 1048576, errorMessage: 'phải là số MB từ 1 đến 1048576' }),
  UPLOAD_EXPIRY_HOURS: Type.Integer({ default: 24, minimum: 1, maximum: 720, errorMessage: 'phải là số giờ từ 1 đến 720' }),
  LOGIN_MAX_PER_IP: Type.Integer({ default: 20, minimum: 1, maximum: 10000, errorMessage: 'phải là số nguyên dương' }),
  LOGIN_MAX_PER_ACCOUNT: Type.Integer({ default: 5, minimum: 1, maximum: 1000, errorMessage: 'phải là số nguyên dương' }),
  FONT_DIR: Type.Optional(Type.String({ minLength: 1, errorMessage: 'phải là đường dẫn thư mục chứa phông chữ .ttf' })),
  DB_READERS: Type.Integer({ default: 2, minimum: 0, maximum: 16, errorMessage: 'phải là số nguyên từ 0 đến 16' }),
});

type Env = Static<typeof EnvSchema>;

/** Validated, derived settings the app runs with. */
export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  dataDir: string;
  databaseFile: string;
  publicUrl: string;
  trustProxy: boolean | number | string[];
  logLevel: Env['LOG_LEVEL'];
  sessionSecret?: string;
  sessionTtlHours: number;
  /** Largest document (and plan document) accepted. */
  uploadMaxFileBytes: number;
  uploadMaxPhotoBytes: number;
  uploadMaxVideoBytes: number;
  /** A resumable upload untouched this long is abandoned and its partial file removed. */
  uploadExpiryHours: number;
  loginMaxPerIp: number;
  loginMaxPerAccount: number;
  dbReaders: number;
  /** A folder with Times New Roman (or another Times-metric face) to use for documents first. */
  fontDir?: string;
}

/** Raised when the environment holds a value the app cannot start with. */
export class ConfigError extends Error {}

/** Reads and validates the environment (and `.env` in the working directory, if present). */
export function loadConfig(data: Record<string, string | undefined> = process.env): Config {
  let env: Env;
  try {
    env = envSchema<Env>({
      schema: EnvSchema,
      data,
      dotenv: existsSync('.env') ? { path: '.env' } : false,
      ajv: {
        customOptions(ajv) {
          addErrorMessages(ajv);
          return ajv;
        },
      },
    });
  } catch (error) {
    throw new ConfigError(describeEnvError(error));
  }
  const dataDir = path.resolve(env.DATA_DIR);
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    dataDir,
    databaseFile: path.join(dataDir, 'tap-huan.sqlite'),
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    logLevel: env.LOG_LEVEL,
    sessionSecret: env.SESSION_SECRET,
    sessionTtlHours: env.SESSION_TTL_HOURS,
    uploadMaxFileBytes: env.UPLOAD_MAX_FILE_MB * 1024 * 1024,
    uploadMaxPhotoBytes: env.UPLOAD_MAX_PHOTO_MB * 1024 * 1024,
    uploadMaxVideoBytes: env.UPLOAD_MAX_VIDEO_MB * 1024 * 1024,
    uploadExpiryHours: env.UPLOAD_EXPIRY_HOURS,
    loginMaxPerIp: env.LOGIN_MAX_PER_IP,
    loginMaxPerAccount: env.LOGIN_MAX_PER_ACCOUNT,
    dbReaders: env.DB_READERS,
    fontDir: env.FONT_DIR,
  };
}

function parseTrustProxy(value: string): boolean | number | string[] {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^[0-9]+$/.test(value)) return Number(value);
  return value.split(',').map((part) => part.trim());
}

// Ajv reports "/PORT must …"; operators need the variable's name and a sentence they can act on.
function describeEnvError(error: unknown): string {
  const errors = (error as { errors?: { instancePath: string; message?: string }[] }).errors;
  if (!errors?.length) return `Cấu hình không hợp lệ: ${(error as Error).message}`;
  const lines = errors.map((e) => `biến môi trường ${e.instancePath.replace(/^\//, '') || '(gốc)'} ${e.message ?? 'không hợp lệ'}`);
  return `Cấu hình không hợp lệ:\n- ${[...new Set(lines)].join('\n- ')}`;
}
