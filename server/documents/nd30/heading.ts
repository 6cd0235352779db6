// Page 1's heading (Phụ lục I of the decree): issuing body and Số in the left column, Quốc hiệu, Tiêu ngữ
// and the place and date in the right one, the place and date on the Số line's baseline.
import type { LayoutBox, Nd30Canvas } from './canvas.ts';
import { lineHeight } from './config.ts';
import { nfc } from './format.ts';
import type { FontFace } from '../fonts.ts';
import { drawLine, lineText, wrapBalanced } from './text-flow.ts';

export const QUOC_HIEU = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const TIEU_NGU = 'Độc lập - Tự do - Hạnh phúc';

/** Upper case as Vietnamese writes it. */
export function upper(text: string): string {
  return nfc(text).toLocaleUpperCase('vi-VN');
}

export interface HeadingContent {
  parentName?: string;
  nameLines: string[];
  /** "Số: 12/GM-UBND". Without it (and the place and date) the heading ends under its rules: a list's heading. */
  numberLine?: string;
  /** "Gò Dầu, ngày 06 tháng 5 năm 2022". */
  placeDate?: string;
  /** Công văn: "V/v …", under Số in the left column. */
  subjectLine?: string;
}

/** Largest size within its range at which a text fits a width (the smallest allowed when none does). */
function fittingSize(canvas: Nd30Canvas, text: string, face: FontFace, range: { value: number; min: number }, width: number): number {
  for (let size = range.value; size > range.min; size -= 0.5) {
    if (canvas.measure(text, { size, face }) <= width) return size;
  }
  return range.min;
}

/** A heading line sized to its column: shrunk within its range, then broken at spaces if still too wide. */
function columnLines(canvas: Nd30Canvas, text: string, face: FontFace, range: { value: number; min: number }, width: number): { text: string; size: number }[] {
  const size = fittingSize(canvas, text, face, range, width);
  return wrapBalanced(canvas, text, { size, face, width }).map((line) => ({ text: lineText(line), size }));
}

/** Draws the heading on the current page from the top margin; returns the y below it (bottom of Số or V/v). */
export function drawHeading(canvas: Nd30Canvas, content: HeadingContent): number {
  const { config, area } = canvas;
  const sizes = config.sizes;
  const left = { x: area.left, width: config.columns.left };
  const right = { x: area.left + config.columns.left, width: canvas.width - config.columns.left };
  // One row pitch for both columns, so their lines share baselines row by row.
  const pitch = lineHeight(config, Math.max(sizes.parentBody.value, sizes.issuingBody.value, sizes.quocHieu.value, sizes.tieuNgu.value));
  const firstBaseline = area.top + canvas.ascent({ size: pitch / config.singleLine, face: 'bold' });

  const leftLines: { text: string; face: 'regular' | 'bold'; size: number; role: string }[] = [];
  if (content.parentName?.trim()) {
    for (const line of columnLines(canvas, upper(content.parentName.trim()), 'regular', sizes.parentBody, left.width)) leftLines.push({ ...line, face: 'regular', role: 'parent-body' });
  }
  for (const name of content.nameLines) {
    for (const line of columnLines(canvas, upper(name), 'bold', sizes.issuingBody, left.width)) leftLines.push({ ...line, face: 'bold', role: 'issuing-body' });
  }
  const issuerBoxes: LayoutBox[] = [];
  leftLines.forEach((line, row) => {
    const box = canvas.text(line.text, { size: line.size, face: line.face }, { ...left, align: 'center', baseline: firstBaseline + row * pitch, role: line.role });
    if (line.role === 'issuing-body') issuerBoxes.push(box);
  });
  let leftBottom = firstBaseline + (leftLines.length - 1) * pitch;
  const lastIssuer = issuerBoxes.at(-1);
  if (lastIssuer) {
    const widest = Math.max(...issuerBoxes.map((box) => box.width));
    const rule = canvas.ruleUnder({ ...lastIssuer, x: left.x, width: left.width }, widest * config.rules.shortRatio.value, 'issuing-body-rule');
    leftBottom = rule.y + rule.height;
  }

  const quocHieuSize = fittingSize(canvas, QUOC_HIEU, 'bold', sizes.quocHieu, right.width);
  canvas.text(QUOC_HIEU, { size: quocHieuSize, face: 'bold' }, { ...right, align: 'center', baseline: firstBaseline, role: 'quoc-hieu' });
  const tieuNgu = canvas.text(TIEU_NGU, { size: sizes.tieuNgu.value, face: 'bold' }, { ...right, align: 'center', baseline: firstBaseline + pitch, role: 'tieu-ngu' });
  const tieuNguRule = canvas.ruleUnder(tieuNgu, tieuNgu.width, 'tieu-ngu-rule');
  const rightBottom = tieuNguRule.y + tieuNguRule.height;
  if (content.numberLine === undefined && content.placeDate === undefined) return Math.max(leftBottom, rightBottom);

  const numberStyle = { size: sizes.number.value };
  const numberBaseline = Math.max(leftBottom, rightBottom) + config.spacing.beforeNumberLine + canvas.ascent({ size: Math.max(sizes.number.value, sizes.placeDate.value) });
  if (content.numberLine !== undefined) canvas.text(content.numberLine, numberStyle, { ...left, align: 'center', baseline: numberBaseline, role: 'number' });
  if (content.placeDate !== undefined) drawPlaceDate(canvas, content.placeDate, { ...right, baseline: numberBaseline });
  let bottom = numberBaseline + canvas.descent({ size: Math.max(sizes.number.value, sizes.placeDate.value) });

  if (content.subjectLine) {
    const size = sizes.subjectLine.value;
    const pitchV = lineHeight(config, size);
    const inset = config.spacing.subjectLineInset;
    const lines = wrapBalanced(canvas, content.subjectLine, { size, width: left.width - 2 * inset });
    let baseline = bottom + config.spacing.beforeSubjectLine + canvas.ascent({ size });
    for (const line of lines) {
      drawLine(canvas, line, { x: left.x + inset, width: left.width - 2 * inset, baseline, size, align: 'center', role: 'subject-line' });
      baseline += pitchV;
    }
    bottom = baseline - pitchV + canvas.descent({ size });
  }
  return bottom;
}

/**
 * "Gò Dầu, ngày 06 tháng 5 năm 2022", italic, centred in a column. A long place name ("Thành phố Hồ Chí Minh")
 * takes the smaller size of the range; past that, what fits.
 */
export function drawPlaceDate(canvas: Nd30Canvas, text: string, place: { x: number; width: number; baseline: number }, role = 'place-date'): LayoutBox {
  const range = canvas.config.sizes.placeDate;
  let size = fittingSize(canvas, text, 'italic', range, place.width);
  while (canvas.measure(text, { size, face: 'italic' }) > place.width && size > 9) size -= 0.5;
  return canvas.text(text, { size, face: 'italic' }, { ...place, align: 'center', role });
}
