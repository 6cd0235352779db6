// Operator commands: `npm run cli -- <command>`, honouring the same environment as the server.
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from './config.ts';
import { openDatabase } from './db/database.ts';
import { migrateDown, migrateToLatest } from './db/migrate.ts';
import { HttpError, ValidationError } from './errors.ts';
import { CLI_ACTOR } from './services/audit.ts';
import { loadDemoData } from './services/demo.ts';
import { createFileStorage } from './services/storage.ts';
import { createUser } from './services/users.ts';
import { backupDatabase } from './services/backup.ts';
import { listBundleTargets, writeBundleFile } from './services/evidence-bundle.ts';

const USAGE = `Cách dùng: npm run cli -- <lệnh> [tham số]

Lệnh:
  migrate                                 áp dụng các thay đổi cấu trúc cơ sở dữ liệu còn thiếu
  migrate:down                            hoàn tác thay đổi cấu trúc gần nhất
  user:create --username TÊN --role VAI_TRÒ [--role …] [--full-name "HỌ TÊN"]
                                          tạo tài khoản; mật khẩu đọc từ đầu vào chuẩn (stdin)
                                          vai trò: admin, organizer, checkin, reporter
  backup <tệp>                            sao lưu nhất quán cơ sở dữ liệu (chạy được khi máy chủ đang chạy)
  demo                                    nạp dữ liệu minh họa (chỉ khi chưa có tài khoản nào)
  list                                    liệt kê kế hoạch và đợt tập huấn kèm mã (dùng cho lệnh bundle)
  bundle --plan MÃ --out TỆP.zip          ghi hồ sơ minh chứng của cả kế hoạch ra tệp (không ghi đè tệp có sẵn)
  bundle --round MÃ --out TỆP.zip         ghi hồ sơ minh chứng của một đợt; cùng nội dung với tệp tải từ trang Báo cáo
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  const db = openDatabase(config.databaseFile, 0);
  try {
    switch (command) {
      case 'migrate': {
        const done = await migrateToLatest(db);
        console.log(done.length ? done.join('\n') : 'Cơ sở dữ liệu đã ở phiên bản mới nhất.');
        return 0;
      }
      case 'migrate:down': {
        const done = await migrateDown(db);
        console.log(done.length ? done.join('\n') : 'Không còn thay đổi nào để hoàn tác.');
        return 0;
      }
      case 'user:create': {
        const { values } = parseArgs({
          args: rest,
          options: { username: { type: 'string' }, role: { type: 'string', multiple: true }, 'full-name': { type: 'string' } },
        });
        if (!values.username || !values.role?.length) {
          console.error('Thiếu --username hoặc --role.\n\n' + USAGE);
          return 2;
        }
        if (process.stdin.isTTY) console.error('Nhập mật khẩu rồi nhấn Enter, sau đó Ctrl+D:');
        const password = (await readStdin()).replace(/\r?\n$/, '');
        await migrateToLatest(db);
        const id = await createUser(db, CLI_ACTOR, {
          username: values.username,
          fullName: values['full-name'] ?? values.username,
          password,
          roles: values.role,
        });
        console.log(`Đã tạo tài khoản ${values.username.toLowerCase()} (mã ${id}).`);
        return 0;
      }
      case 'backup': {
        const target = rest[0];
        if (!target) {
          console.error('Thiếu tên tệp sao lưu.\n\n' + USAGE);
          return 2;
        }
        const result = await backupDatabase(db, target);
        console.log(`Đã sao lưu vào ${result.file} (${result.bytes} byte).`);
        return 0;
      }
      case 'demo': {
        await migrateToLatest(db);
        const storage = createFileStorage(config);
        await storage.ensureRoot();
        const report = await loadDemoData(db, { storage });
        console.log(report);
        return 0;
      }
      case 'list': {
        await migrateToLatest(db);
        console.log(await listBundleTargets(db));
        return 0;
      }
      case 'bundle': {
        const { values } = parseArgs({ args: rest, options: { plan: { type: 'string' }, round: { type: 'string' }, out: { type: 'string' } } });
        const id = Number(values.plan ?? values.round);
        if ((values.plan === undefined) === (values.round === undefined) || !values.out) {
          console.error('Cần đúng một trong --plan hoặc --round, và --out.\n\n' + USAGE);
          return 2;
        }
        if (!/^\d{1,9}$/.test(values.plan ?? values.round ?? '') || id < 1) {
          console.error(`Mã ${values.plan !== undefined ? 'kế hoạch' : 'đợt'} không hợp lệ: ${values.plan ?? values.round}. Xem các mã bằng lệnh: npm run cli -- list`);
          return 2;
        }
        await migrateToLatest(db);
        const result = await writeBundleFile(db, config, values.plan !== undefined ? { planId: id } : { roundId: id }, values.out);
        console.log(`Đã ghi hồ sơ minh chứng vào ${result.file} (${result.bytes} byte).\nSHA-256: ${result.sha256}`);
        return 0;
      }
      default:
        console.error(`Lệnh không rõ: ${command}\n\n${USAGE}`);
        return 2;
    }
  } finally {
    await db.destroy();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`Tham số không hợp lệ: ${(error as Error).message}\nMật khẩu luôn được đọc từ đầu vào chuẩn, không nhận trên dòng lệnh.\n\n${USAGE}`);
    process.exitCode = 2;
  } else if (error instanceof ValidationError) {
    console.error(`Lỗi: ${Object.values(error.fieldErrors).join(' ')}`);
  } else if (error instanceof HttpError || error instanceof ConfigError) {
    console.error(`Lỗi: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exitCode ??= 1;
}
