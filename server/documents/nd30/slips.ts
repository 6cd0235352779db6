// Personal invitation slips: two or three to an A4 page with cut lines, each with the person's name, the
// session, a QR code drawn as vectors (their check-in URL) and the short typed code in large monospace
// letters. Pages are produced as the reader asks for them, so a thousand slips stream in little memory.
import { Readable } from 'node:stream';
import { drawQrCode, qrMatrix } from '../qr.ts';
import { Nd30Canvas, type CanvasOptions, type DocumentLayout } from './canvas.ts';
import { A4, lineHeight, mm } from './config.ts';
import { formatSessionTime, formatTypedCode, nfc } from './format.ts';
import { upper } from './heading.ts';
import { drawLine, wrapText, type RichText } from './text-flow.ts';
import type { InvitationSlip, SlipEvent, SlipsOptions } from './types.ts';

/** Geometry of the slips, in points. */
export const SLIP_LAYOUT = {
  padding: { top: mm(8), bottom: mm(6), left: mm(14), right: mm(12) },
  gutter: mm(6),
  /** QR code side including its quiet zone, by slips per page. */
  qrSize: { 2: mm(46), 3: mm(38) },
  codeFont: 'Courier-Bold',
  codeSize: { 2: 20, 3: 17 },
  smallestText: 8,
} as const;

/** What the person does with the slip. */
export const SLIP_NOTE = 'Đề nghị mang theo giấy mời này (hoặc ảnh chụp mã QR) để điểm danh khi đến dự.';

export type SlipRenderOptions = SlipsOptions & Pick<CanvasOptions, 'fonts' | 'config'>;

interface Block {
  text: RichText;
  size: number;
  face: 'regular' | 'bold' | 'italic';
  align: 'left' | 'center' | 'justify';
  gapBefore: number;
  role: string;
  hanging?: boolean;
}

function slipBlocks(options: SlipsOptions, slip: InvitationSlip, event: SlipEvent): Block[] {
  const agencyLine = upper(options.agency.nameLines.join(' '));
  const blocks: Block[] = [
    { text: agencyLine, size: 11.5, face: 'bold', align: 'center', gapBefore: 0, role: 'slip-agency' },
    { text: 'GIẤY MỜI', size: 18, face: 'bold', align: 'center', gapBefore: 6, role: 'slip-title' },
    { text: event.title, size: 13, face: 'bold', align: 'center', gapBefore: 0, role: 'slip-event' },
    { text: [{ text: 'Trân trọng kính mời: ' }, { text: slip.name, face: 'bold' }], size: 15, face: 'regular', align: 'left', gapBefore: 10, role: 'slip-name' },
  ];
  if (slip.position?.trim()) blocks.push({ text: `Chức vụ: ${slip.position}`, size: 13, face: 'regular', align: 'left', gapBefore: 2, role: 'slip-position', hanging: true });
  if (slip.unit?.trim()) blocks.push({ text: `Đơn vị: ${slip.unit}`, size: 13, face: 'regular', align: 'left', gapBefore: 2, role: 'slip-unit', hanging: true });
  blocks.push({ text: `Thời gian: ${formatSessionTime({ ...event.time, arriveEarlyMinutes: 0 })}.`, size: 13, face: 'regular', align: 'left', gapBefore: 2, role: 'slip-time', hanging: true });
  blocks.push({ text: `Địa điểm: ${event.venue}.`, size: 13, face: 'regular', align: 'left', gapBefore: 2, role: 'slip-venue', hanging: true });
  blocks.push({ text: SLIP_NOTE, size: 11, face: 'italic', align: 'left', gapBefore: 8, role: 'slip-note' });
  return blocks;
}

/** Draws the slips of one page. */
function drawSlipPage(canvas: Nd30Canvas, options: SlipRenderOptions, slips: InvitationSlip[], perPage: 2 | 3): void {
  canvas.newPage('slips');
  const doc = canvas.doc;
  const band = A4.height / perPage;
  const pad = SLIP_LAYOUT.padding;
  const qrSize = SLIP_LAYOUT.qrSize[perPage];
  const codeSize = SLIP_LAYOUT.codeSize[perPage];
  // Cut lines between the slips, grey and dashed: guides for the scissors, not part of the slip.
  doc.save().lineWidth(0.5).strokeColor('#9a9a9a').dash(4, { space: 3 });
  const cuts = Math.min(perPage - 1, slips.length);
  for (let k = 1; k <= cuts; k += 1) doc.moveTo(0, k * band).lineTo(A4.width, k * band).stroke();
  doc.undash().restore();
  for (let k = 1; k <= cuts; k += 1) canvas.record({ role: 'cut-line', x: 0, y: k * band, width: A4.width, height: 0, inMargin: true });

  slips.forEach((slip, index) => {
    const top = index * band;
    const event = slip.event ?? options.event;
    const textLeft = pad.left;
    const qrLeft = A4.width - pad.right - qrSize;
    const textWidth = qrLeft - SLIP_LAYOUT.gutter - textLeft;
    const footer = options.reference ? `(${options.reference})` : '';
    const room = band - pad.top - pad.bottom;

    // The text shrinks, half a point at a time, until slip and foot fit the band.
    const fit = (scale: number) => {
      const laid = slipBlocks(options, slip, event).map((block) => {
        const size = Math.max(SLIP_LAYOUT.smallestText, block.size * scale);
        const hang = block.hanging ? canvas.measure('Thời gian: ', { size }) : 0;
        return { block, size, gap: block.gapBefore * scale, lines: wrapText(canvas, block.text, { size, face: block.face, width: textWidth, restIndent: hang }) };
      });
      const footSize = Math.max(SLIP_LAYOUT.smallestText, 9.5 * scale);
      const footLines = footer ? wrapText(canvas, footer, { size: footSize, face: 'italic', width: A4.width - pad.left - pad.right }) : [];
      const height =
        laid.reduce((sum, item) => sum + item.gap + item.lines.length * lineHeight(canvas.config, item.size), 0) +
        footLines.length * lineHeight(canvas.config, footSize);
      return { laid, footSize, footLines, height };
    };
    let scale = 1;
    let fitted = fit(scale);
    while (fitted.height > room && scale * 11 > SLIP_LAYOUT.smallestText) {
      scale -= 0.5 / 12;
      fitted = fit(scale);
    }
    const { laid, footSize, footLines } = fitted;

    let y = top + pad.top;
    for (const item of laid) {
      y += item.gap;
      const pitch = lineHeight(canvas.config, item.size);
      for (const line of item.lines) {
        drawLine(canvas, line, { x: textLeft, width: textWidth, baseline: y + canvas.ascent({ size: item.size }), size: item.size, align: item.block.align, role: item.block.role });
        y += pitch;
      }
    }
    let footY = top + band - pad.bottom - footLines.length * lineHeight(canvas.config, footSize);
    for (const line of footLines) {
      drawLine(canvas, line, { x: pad.left, width: A4.width - pad.left - pad.right, baseline: footY + canvas.ascent({ size: footSize }), size: footSize, align: 'center', role: 'slip-reference' });
      footY += lineHeight(canvas.config, footSize);
    }

    // QR code on the right, the typed code under it.
    const qrTop = top + pad.top;
    const qr = drawQrCode(doc, qrMatrix(slip.url, 'M'), { x: qrLeft, y: qrTop, size: qrSize });
    canvas.record({ role: 'slip-qr', x: qr.x, y: qr.y, width: qr.size, height: qr.size, text: slip.url });
    const code = formatTypedCode(slip.code);
    doc.font(SLIP_LAYOUT.codeFont).fontSize(codeSize).fillColor('#000000');
    const codeWidth = doc.widthOfString(code);
    const codeBaseline = qrTop + qrSize + codeSize * 0.9;
    doc.text(code, qrLeft + (qrSize - codeWidth) / 2, codeBaseline, { lineBreak: false, baseline: 'alphabetic' });
    canvas.record({ role: 'slip-code', text: code, x: qrLeft + (qrSize - codeWidth) / 2, y: codeBaseline - codeSize * 0.63, width: codeWidth, height: codeSize * 0.63, baseline: codeBaseline, size: codeSize });
    const hint = options.codeHint ? `Mã cá nhân - nhập tại ${options.codeHint}` : 'Mã cá nhân';
    const hintLines = wrapText(canvas, hint, { size: 8.5, face: 'italic', width: qrSize + mm(6) });
    hintLines.forEach((line, i) => {
      drawLine(canvas, line, { x: qrLeft - mm(3), width: qrSize + mm(6), baseline: codeBaseline + 12 + i * lineHeight(canvas.config, 8.5), size: 8.5, align: 'center', role: 'slip-code-hint' });
    });
  });
}

function check(slips: InvitationSlip[]): void {
  slips.forEach((slip, i) => {
    if (!/^[A-Za-z0-9\s-]+$/.test(slip.code)) throw new RangeError(`slip ${i + 1}: the typed code must be ASCII letters and digits, not ${JSON.stringify(slip.code)}`);
    if (!slip.url) throw new RangeError(`slip ${i + 1}: no URL for the QR code`);
    if (!nfc(slip.name).trim()) throw new RangeError(`slip ${i + 1}: no name`);
  });
}

function canvasFor(options: SlipRenderOptions, trace: boolean): Nd30Canvas {
  return new Nd30Canvas({
    fontDir: options.fontDir,
    fonts: options.fonts,
    config: options.config,
    trace,
    numberPages: false,
    margins: { top: 0, bottom: 0, left: 0, right: 0 },
    title: `Giấy mời cá nhân - ${options.event.title}`,
  });
}

/**
 * The slips as a PDF stream. Each read draws the next page, so memory stays flat however many slips
 * (the caller may pass any iterable, e.g. rows as they come from the database).
 */
export function renderSlipsPdf(slips: Iterable<InvitationSlip>, options: SlipRenderOptions): Readable {
  const perPage = options.perPage ?? 3;
  const canvas = canvasFor(options, false);
  const iterator = slips[Symbol.iterator]();
  let finished = false;
  let pushed = false;
  const drawNextPage = () => {
    const page: InvitationSlip[] = [];
    while (page.length < perPage) {
      const next = iterator.next();
      if (next.done) break;
      page.push(next.value);
    }
    if (page.length > 0) {
      check(page);
      drawSlipPage(canvas, options, page, perPage);
    }
    if (page.length < perPage) {
      finished = true;
      if (canvas.page === 0) canvas.newPage('slips');
      canvas.doc.end();
    }
  };
  const out = new Readable({
    highWaterMark: 256 * 1024,
    read() {
      // A page's bytes come out when the next page starts: draw until something was pushed or is on its way.
      pushed = false;
      try {
        while (!finished && !pushed && canvas.doc.readableLength === 0) drawNextPage();
      } catch (error) {
        out.destroy(error as Error);
      }
    },
  });
  canvas.doc.on('data', (chunk: Buffer) => {
    pushed = true;
    out.push(chunk);
  });
  canvas.doc.on('end', () => out.push(null));
  canvas.doc.on('error', (error: Error) => out.destroy(error));
  return out;
}

/** The slips laid out with every box recorded (tests); the PDF bytes are discarded. */
export function traceSlipsLayout(slips: InvitationSlip[], options: SlipRenderOptions): DocumentLayout {
  check(slips);
  const perPage = options.perPage ?? 3;
  const canvas = canvasFor(options, true);
  for (let i = 0; i < slips.length; i += perPage) drawSlipPage(canvas, options, slips.slice(i, i + perPage), perPage);
  return canvas.finishTrace();
}
