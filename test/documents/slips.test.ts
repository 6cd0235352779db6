// Personal invitation slips: the text a person reads, the QR code a phone scans (decoded from the printed
// page), vector drawing, the slips' places on the page, and streaming.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bundledFonts } from '../../server/documents/fonts.ts';
import { qrMatrix, qrRuns } from '../../server/documents/qr.ts';
import { A4, renderSlipsPdf, traceSlipsLayout, type InvitationSlip } from '../../server/documents/nd30/index.ts';
import { decodeQr, pdfPageCount, pdfPagesText, ptToPx, rasterize, streamToBuffer, textLines } from '../helpers/pdf.ts';
import { slip, slipsOptions } from './samples.ts';

const run = promisify(execFile);
const collapse = (text: string) => text.replace(/[\s\u00a0]+/g, ' ').trim();

async function pdfImageCount(pdf: Buffer): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tap-huan-slips-'));
  try {
    await writeFile(path.join(dir, 'slips.pdf'), pdf);
    const { stdout } = await run('pdfimages', ['-list', path.join(dir, 'slips.pdf')], { encoding: 'utf8' });
    return stdout.split('\n').slice(2).filter((line) => line.trim()).length;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('slips', async () => {
  const slips = Array.from({ length: 5 }, (_, i) => slip(i));
  const pdf = await streamToBuffer(renderSlipsPdf(slips, slipsOptions));
  const layout = traceSlipsLayout(slips, { ...slipsOptions, fonts: undefined });

  it('puts three slips on an A4 page', async () => {
    expect(await pdfPageCount(pdf)).toBe(2);
    expect(layout.pages.length).toBe(2);
    expect(layout.boxes.filter((box) => box.role === 'cut-line' && box.page === 1).map((box) => Math.round(box.y * 100) / 100)).toEqual([
      Math.round((A4.height / 3) * 100) / 100,
      Math.round(((2 * A4.height) / 3) * 100) / 100,
    ]);
  });

  it('gives back each person, the session, and the typed code grouped by three', async () => {
    const pages = await pdfPagesText(pdf);
    const all = collapse(pages.join(' '));
    for (const person of slips) {
      expect(all).toContain(`Trân trọng kính mời: ${person.name}`);
      expect(all).toContain(`Chức vụ: ${person.position}`);
      expect(all).toContain(`Đơn vị: ${person.unit}`);
      const grouped = `${person.code.slice(0, 3)}-${person.code.slice(3, 6)}-${person.code.slice(6)}`;
      expect(textLines(pages.join('\n'))).toContain(grouped);
    }
    expect(all).toContain('ỦY BAN NHÂN DÂN HUYỆN GÒ DẦU');
    expect(all).toContain('GIẤY MỜI');
    expect(all).toContain('Lớp tập huấn nghiệp vụ cải cách hành chính và kiểm soát thủ tục hành chính năm 2022 (Đợt 1)');
    expect(all).toContain('Thời gian: từ 07 giờ 30 phút đến 11 giờ 00 phút, thứ Năm, ngày 12 tháng 5 năm 2022.');
    expect(all).toContain('Địa điểm: Hội trường Ủy ban nhân dân huyện Gò Dầu.');
    expect(all).toContain('(Kèm theo Giấy mời số 12/GM-UBND ngày 06 tháng 5 năm 2022 của Ủy ban nhân dân huyện Gò Dầu)');
    expect(all).toBe(all.normalize('NFC'));
  });

  it('draws the QR codes as vectors (no images) that decode to each URL from the printed page', async () => {
    expect(await pdfImageCount(pdf)).toBe(0);
    const dpi = 150;
    const rendered = await rasterize(pdf, { dpi });
    expect(rendered.length).toBe(2);
    const qrBoxes = layout.boxes.filter((box) => box.role === 'slip-qr');
    expect(qrBoxes.length).toBe(slips.length);
    for (const [index, box] of qrBoxes.entries()) {
      const page = rendered.find((p) => p.page === box.page)!;
      const margin = ptToPx(6, dpi);
      const decoded = decodeQr(page, { x: ptToPx(box.x, dpi) - margin, y: ptToPx(box.y, dpi) - margin, width: ptToPx(box.width, dpi) + 2 * margin, height: ptToPx(box.height, dpi) + 2 * margin });
      expect(decoded, `slip ${index + 1}`).toBe(slips[index]!.url);
    }
  });

  it('keeps each slip inside its band, the text clear of the QR code and its quiet zone', () => {
    const band = A4.height / 3;
    for (const box of layout.boxes.filter((b) => b.role.startsWith('slip-'))) {
      const slot = Math.floor((box.y + 0.01) / band);
      expect(box.y + box.height, `${box.role} ${box.text}`).toBeLessThanOrEqual((slot + 1) * band + 0.01);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(A4.width);
    }
    const qrs = layout.boxes.filter((b) => b.role === 'slip-qr');
    const texts = layout.boxes.filter((b) => b.text && b.role.startsWith('slip-') && !['slip-qr', 'slip-code', 'slip-code-hint', 'slip-reference'].includes(b.role) && !b.role.endsWith('-segment'));
    for (const qr of qrs) {
      for (const text of texts.filter((t) => t.page === qr.page)) {
        const overlaps = text.x < qr.x + qr.size! && text.x + text.width > qr.x && text.y < qr.y + qr.height && text.y + text.height > qr.y;
        expect(overlaps, `${text.role} "${text.text}" overlaps a QR code`).toBe(false);
      }
    }
    for (const code of layout.boxes.filter((b) => b.role === 'slip-code')) {
      const qr = qrs.find((q) => q.page === code.page && Math.abs(q.y - code.y) < A4.height / 3)!;
      expect(code.y).toBeGreaterThanOrEqual(qr.y + qr.height);
      expect(code.size).toBeGreaterThanOrEqual(16);
    }
  });

  it('prints two to a page when asked', async () => {
    const two = await streamToBuffer(renderSlipsPdf(slips, { ...slipsOptions, perPage: 2 }));
    expect(await pdfPageCount(two)).toBe(3);
    const page = (await rasterize(two, { dpi: 150, first: 1, last: 1 }))[0]!;
    const traced = traceSlipsLayout(slips.slice(0, 2), { ...slipsOptions, perPage: 2 });
    const second = traced.boxes.filter((box) => box.role === 'slip-qr')[1]!;
    expect(second.y).toBeGreaterThanOrEqual(A4.height / 2);
    const m = ptToPx(6, 150);
    expect(decodeQr(page, { x: ptToPx(second.x, 150) - m, y: ptToPx(second.y, 150) - m, width: ptToPx(second.width, 150) + 2 * m, height: ptToPx(second.height, 150) + 2 * m })).toBe(slips[1]!.url);
  });
});

describe('slip streaming and input', () => {
  it('reads slips from any iterable and produces pages only as they are read', async () => {
    let produced = 0;
    function* people(): Generator<InvitationSlip> {
      for (let i = 0; i < 600; i += 1) {
        produced += 1;
        yield slip(i);
      }
    }
    const stream = renderSlipsPdf(people(), slipsOptions);
    for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
    // Unread, the stream fills its buffer (256 KB) and stops drawing.
    expect(produced, 'pages are drawn ahead only up to the buffer').toBeLessThan(300);
    expect(stream.readableLength).toBeLessThan(stream.readableHighWaterMark + 64 * 1024);
    const pdf = await streamToBuffer(stream);
    expect(produced).toBe(600);
    expect(await pdfPageCount(pdf)).toBe(200);
  });

  it('gives a one-page PDF for no slips', async () => {
    const pdf = await streamToBuffer(renderSlipsPdf([], slipsOptions));
    expect(await pdfPageCount(pdf)).toBe(1);
  });

  it('fails the stream on a code that is not ASCII letters and digits', async () => {
    const bad = [{ ...slip(0), code: 'MÃ-SỐ' }];
    await expect(streamToBuffer(renderSlipsPdf(bad, slipsOptions))).rejects.toThrow(/ASCII/);
  });

  it('draws the QR modules as row runs covering exactly the dark modules', () => {
    const matrix = qrMatrix('https://taphuan.godau.gov.vn/m/abc', 'M');
    const dark = new Set<string>();
    for (let r = 0; r < matrix.size; r += 1) for (let c = 0; c < matrix.size; c += 1) if (matrix.isDark(r, c)) dark.add(`${r},${c}`);
    const covered = new Set<string>();
    for (const runItem of qrRuns(matrix)) for (let c = runItem.column; c < runItem.column + runItem.length; c += 1) covered.add(`${runItem.row},${c}`);
    expect(covered).toEqual(dark);
    expect(bundledFonts().family).toBe('Tinos');
  });
});
