// 1,000 personal invitation slips (QR code and typed code each) in one streamed PDF: wall time and peak
// memory, beside pdfkit's bare rate (1,000 pages of one line each, same embedded font) measured in the
// same run. Each side runs in its own child process so its peak RSS is its own.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import { fontBytes, resolveFonts } from '../../server/documents/fonts.ts';
import { renderSlipsPdf } from '../../server/documents/nd30/index.ts';
import type { InvitationSlip, SlipsOptions } from '../../server/documents/nd30/index.ts';
import type { Bench, BenchResult } from './run.ts';
import { slipsOptions } from '../documents/samples.ts';
import { SHORT_CODE_ALPHABET } from '../../server/services/invitation-codes.ts';

const SLIPS = 1_000;
const TARGET_SECONDS = 5;
const TARGET_MB = 300;
const CHILD_FLAG = '--letters-bench-child';
const here = fileURLToPath(import.meta.url);

interface Measure {
  seconds: number;
  bytes: number;
  peakRssMb: number;
}

const options: SlipsOptions = slipsOptions;

const ALPHABET = SHORT_CODE_ALPHABET;

function* slips(count: number): Generator<InvitationSlip> {
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8;
  for (let i = 0; i < count; i += 1) {
    const code = Array.from({ length: 8 }, () => ALPHABET[next() % ALPHABET.length]).join('');
    const token = Array.from({ length: 22 }, () => ALPHABET[next() % ALPHABET.length]).join('').toLowerCase();
    yield {
      name: `Nguyễn Văn Người Thứ ${i + 1}`,
      position: i % 2 ? 'Chuyên viên' : 'Phó Chủ tịch UBND',
      unit: i % 3 ? 'Phòng Tài chính - Kế hoạch' : 'UBND xã Thanh Phước',
      url: `https://taphuan.godau.gov.vn/m/${token}`,
      code,
    };
  }
}

/** A sink that only counts. */
function counter(): Writable & { bytes: number } {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      sink.bytes += chunk.length;
      done();
    },
  }) as Writable & { bytes: number };
  sink.bytes = 0;
  return sink;
}

/** pdfkit alone: a page per item with one line of Vietnamese in the same embedded font. */
async function barePages(count: number): Promise<number> {
  const fonts = resolveFonts();
  const doc = new PDFDocument({ size: 'A4', autoFirstPage: false });
  doc.registerFont('regular', fontBytes(fonts.files.regular));
  const sink = counter();
  const done = pipeline(doc, sink);
  for (let i = 0; i < count; i += 1) {
    doc.addPage();
    doc.font('regular').fontSize(13).text(`Giấy mời số ${i + 1} - Ủy ban nhân dân huyện Gò Dầu`, 72, 72, { lineBreak: false });
    // Let the stream drain as a real response would.
    if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  doc.end();
  await done;
  return sink.bytes;
}

async function slipPages(count: number): Promise<number> {
  const sink = counter();
  await pipeline(renderSlipsPdf(slips(count), options), sink);
  return sink.bytes;
}

/** Child side: warm up, time one run, report peak RSS sampled during it and the process's maximum. */
async function child(mode: string): Promise<void> {
  const work = mode === 'bare' ? barePages : slipPages;
  await work(30);
  let sampled = process.memoryUsage().rss;
  const timer = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 10);
  const started = process.hrtime.bigint();
  const bytes = await work(SLIPS);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(timer);
  sampled = Math.max(sampled, process.memoryUsage().rss);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  const measure: Measure = { seconds, bytes, peakRssMb: Math.max(sampled, maxRss) / 1024 / 1024 };
  process.stdout.write(`${JSON.stringify(measure)}\n`);
}

function runChild(mode: 'bare' | 'slips'): Promise<Measure> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', here, CHILD_FLAG, mode], {
      cwd: path.resolve(path.dirname(here), '../..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (chunk) => (out += chunk));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`letters bench child (${mode}) failed with ${code}: ${out}`));
      else resolve(JSON.parse(line) as Measure);
    });
  });
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

const bench: Bench = {
  name: 'letters',
  description: `${SLIPS.toLocaleString('en')} personal slips (QR + typed code) in one streamed PDF vs pdfkit's bare ${SLIPS.toLocaleString('en')} one-line pages`,
  async run() {
    const bare = await runChild('bare');
    const made = await runChild('slips');
    const met = made.seconds <= TARGET_SECONDS && made.peakRssMb <= TARGET_MB;
    console.error(
      `  letters: ${SLIPS} slips in ${round(made.seconds)} s (${round(SLIPS / made.seconds, 0)} slips/s, ${round(made.bytes / 1e6, 1)} MB PDF), ` +
        `peak RSS ${round(made.peakRssMb, 0)} MB; pdfkit bare: ${SLIPS} pages in ${round(bare.seconds)} s ` +
        `(${round(SLIPS / bare.seconds, 0)} pages/s), peak RSS ${round(bare.peakRssMb, 0)} MB`,
    );
    const result: BenchResult & { peakRssMb: number; bareRssMb: number; bytes: number } = {
      name: 'letters',
      value: round(made.seconds),
      unit: `s for ${SLIPS} slips (peak RSS ${round(made.peakRssMb, 0)} MB)`,
      baseline: round(bare.seconds),
      ratio: round(made.seconds / bare.seconds),
      target: `≤ ${TARGET_SECONDS} s and ≤ ${TARGET_MB} MB peak RSS`,
      met,
      peakRssMb: round(made.peakRssMb, 1),
      bareRssMb: round(bare.peakRssMb, 1),
      bytes: made.bytes,
    };
    return result;
  },
};

export default bench;

if (process.argv[1] && path.resolve(process.argv[1]) === here && process.argv[2] === CHILD_FLAG) {
  await child(process.argv[3] ?? 'slips');
}
