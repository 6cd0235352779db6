// Starts the app: reads the configuration, builds the app, listens, and shuts down gracefully on SIGTERM/SIGINT.
import closeWithGrace from 'close-with-grace';
import { createApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { isSetupNeeded, issueSetupToken } from './services/setup.ts';
import { resolveFonts } from './documents/fonts.ts';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const app = await createApp(config);
const fonts = resolveFonts({ fontDir: config.fontDir });
app.log.info({ family: fonts.family, source: fonts.source, skipped: fonts.skipped }, 'Phông chữ cho văn bản PDF');

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'stopping after an unexpected error');
  else app.log.info({ signal }, 'stopping: finishing requests in progress');
  await app.close();
});

await app.listen({ host: config.host, port: config.port });

if (await isSetupNeeded(app.db)) {
  const token = await issueSetupToken(app.db);
  const link = `${config.publicUrl}/setup?token=${token}`;
  app.log.warn({ setupLink: link }, 'Cài đặt lần đầu: mở liên kết này để tạo tài khoản quản trị');
  // Printed plainly as well, so an operator finds it without reading JSON logs.
  console.log(`\n  Cài đặt lần đầu — mở liên kết sau trong trình duyệt:\n  ${link}\n`);
}
