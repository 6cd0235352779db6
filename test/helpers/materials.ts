// Test data for materials: a plan with a round and a session, real small files (JPEG with EXIF, PDF, the demo
// video), and multipart bodies built the way a browser sends them.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { DB } from '../../server/db/types.ts';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { openDatabase } from '../../server/db/database.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { saveAgencyProfile } from '../../server/services/agency.ts';
import { CLI_ACTOR } from '../../server/services/audit.ts';
import { createUser } from '../../server/services/users.ts';
import { TEST_PASSWORD, sampleAgency } from './factories.ts';
import { databaseFile } from './seed.ts';
import { createPlan, createRound } from '../../server/services/plans.ts';
import { createSession } from '../../server/services/sessions.ts';

export interface Programme {
  planId: number;
  roundId: number;
  sessionId: number;
}

/** A plan, its first round and one session of it (in an app's database, or any other). */
export async function createProgramme(app: { db: Kysely<DB> }): Promise<Programme> {
  const planId = await createPlan(app.db, CLI_ACTOR, { number: '', symbol: 'KH-UBND', issuedOn: '2022-03-01', summary: 'Kế hoạch thử', basis: '', year: '2022', requiredRounds: '2', unitIds: [] });
  const roundId = await createRound(app.db, CLI_ACTOR, planId, { number: '1', title: 'Tập huấn CCHC', topics: '', notes: '', quotas: {} });
  const sessionId = await createSession(app.db, CLI_ACTOR, roundId, {
    date: '2022-06-15', startTime: '07:30', endTime: '11:00', venue: 'Hội trường UBND', chair: '', capacity: '',
    checkinOpensMinutes: '30', lateAfterMinutes: '15', status: 'planned', notes: '',
  });
  return { planId, roundId, sessionId };
}

/** A fresh data directory's database with an organizer (`tochuc`, TEST_PASSWORD), the agency and a programme, for a real server to start on. */
export async function seedUploadData(dataDir: string): Promise<Programme> {
  const db = openDatabase(databaseFile(dataDir), 0);
  try {
    await migrateToLatest(db);
    await createUser(db, CLI_ACTOR, { username: 'tochuc', fullName: 'Cán bộ tổ chức', password: TEST_PASSWORD, roles: ['organizer'], mustChangePassword: false });
    await db.transaction().execute((trx) => saveAgencyProfile(trx, CLI_ACTOR, sampleAgency));
    return await createProgramme({ db });
  } finally {
    await db.destroy();
  }
}

/** A real JPEG with an EXIF capture time (local time, no zone) and distinct pixels per seed. */
export async function samplePhoto(seed = 1, capturedAt = '2022:06:15 08:30:00'): Promise<Buffer> {
  const colour = `#${((seed * 2654435761) >>> 8).toString(16).padStart(6, '0').slice(0, 6)}`;
  return sharp({ create: { width: 320, height: 240, channels: 3, background: colour } })
    .jpeg({ quality: 80 })
    .withExif({ IFD0: { Make: 'Thử nghiệm' }, IFD2: { DateTimeOriginal: capturedAt } })
    .toBuffer();
}

/** A one-page PDF. */
export async function samplePdf(text = 'Tài liệu tập huấn'): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4' });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on('end', resolve));
  doc.text(text.normalize('NFD').replace(/\p{M}/gu, ''));
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

/** The short video the demo carries (WebM, a few seconds). */
export function sampleVideo(): Buffer {
  return readFileSync(new URL('../../assets/demo/buoi-tap-huan.webm', import.meta.url));
}

export interface MultipartPart {
  name: string;
  value?: string;
  filename?: string;
  content?: Buffer;
  contentType?: string;
}

/** A multipart/form-data body with parts in the given order (browsers send them in document order). */
export function multipartBody(parts: MultipartPart[]): { body: Buffer; contentType: string } {
  const boundary = `----tap-huan-${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const filename = part.filename !== undefined ? `; filename="${part.filename.replace(/"/g, '%22')}"` : '';
    const type = part.filename !== undefined ? `\r\nContent-Type: ${part.contentType ?? 'application/octet-stream'}` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}${type}\r\n\r\n`, 'utf8'));
    chunks.push(part.content ?? Buffer.from(part.value ?? '', 'utf8'));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
