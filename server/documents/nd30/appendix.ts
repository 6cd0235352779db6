// The invitee list appended to a letter (Mẫu 2.1): a new page without the national heading, centred
// "Phụ lục", the title, the reference to the letter and a short rule, then a table grouped by unit kind
// whose header repeats on every page and whose rows never split. Its pages are numbered on their own.
import type { Nd30Canvas } from './canvas.ts';
import { lineHeight } from './config.ts';
import { upper } from './heading.ts';
import { drawLine, lineText, wrapBalanced, wrapText, type FlowLine } from './text-flow.ts';
import type { InviteeAppendix } from './types.ts';

const ROMAN: [number, string][] = [
  [1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'],
  [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I'],
];

/** 1 → "I", 4 → "IV", 12 → "XII": how the decree's lists number their parts. */
export function romanNumeral(n: number): string {
  let rest = n;
  let out = '';
  for (const [value, letters] of ROMAN) {
    while (rest >= value) {
      out += letters;
      rest -= value;
    }
  }
  return out;
}

const HEADERS = ['STT', 'Họ và tên', 'Chức vụ', 'Đơn vị'];

interface Cell {
  lines: FlowLine[];
  align: 'left' | 'center';
}

/**
 * Draws the appendix from a new page. `section` names its page numbering ("appendix-1");
 * `reference` is the line under the title ("Kèm theo Giấy mời số 12/GM-UBND ngày … của …"), printed in brackets.
 */
export function drawInviteeAppendix(canvas: Nd30Canvas, appendix: InviteeAppendix, reference: string, section = 'appendix-1'): void {
  const { config, area } = canvas;
  const sizes = config.sizes;
  canvas.newPage(section);
  const width = canvas.width;
  let y = area.top;

  const centred = (text: string, size: number, face: 'bold' | 'italic', role: string, lineWidth = width) => {
    const boxes = [];
    for (const line of wrapBalanced(canvas, text, { size, face, width: lineWidth })) {
      const baseline = y + canvas.ascent({ size, face });
      boxes.push(drawLine(canvas, line, { x: area.left + (width - lineWidth) / 2, width: lineWidth, baseline, size, align: 'center', role }));
      y += lineHeight(config, size);
    }
    return boxes;
  };
  centred('Phụ lục', sizes.appendixLabel.value, 'bold', 'appendix-label');
  centred(upper(appendix.title), sizes.appendixTitle.value, 'bold', 'appendix-title', width * config.shares.appendixHeading);
  const referenceBoxes = centred(`(${reference})`, sizes.appendixReference.value, 'italic', 'appendix-reference', width * config.shares.appendixHeading);
  const last = referenceBoxes.at(-1);
  if (last) {
    const widest = Math.max(...referenceBoxes.map((box) => box.width));
    const rule = canvas.ruleUnder({ ...last, face: 'italic', x: area.left, width }, widest * config.rules.appendixRatio.value, 'appendix-rule');
    y = rule.y + rule.height;
  }
  y += config.spacing.afterAppendixHeading;

  const size = sizes.table.value;
  const pitch = lineHeight(config, size);
  const pad = config.table.padding;
  const widths = config.table.columns.map((share) => share * width);
  const xs = widths.map((_, i) => area.left + widths.slice(0, i).reduce((a, b) => a + b, 0));
  const cellLines = (text: string, column: number, face: 'regular' | 'bold' = 'regular') =>
    wrapText(canvas, text, { size, face, width: widths[column]! - 2 * pad });
  const rowHeight = (cells: Cell[]) => Math.max(...cells.map((cell) => Math.max(1, cell.lines.length))) * pitch + 2 * pad;

  const drawRow = (cells: Cell[], role: string, spans = false) => {
    const height = rowHeight(cells);
    const doc = canvas.doc;
    doc.save().lineWidth(config.table.borderWidth).strokeColor('#000000');
    doc.rect(area.left, y, width, height).stroke();
    if (!spans) for (const x of xs.slice(1)) doc.moveTo(x, y).lineTo(x, y + height).stroke();
    doc.restore();
    cells.forEach((cell, column) => {
      const cellX = spans ? area.left : xs[column]!;
      const cellWidth = spans ? width : widths[column]!;
      cell.lines.forEach((line, index) => {
        const baseline = y + pad + index * pitch + (pitch - (canvas.ascent({ size }) + canvas.descent({ size }))) / 2 + canvas.ascent({ size });
        drawLine(canvas, line, { x: cellX + pad, width: cellWidth - 2 * pad, baseline, size, align: cell.align, role: `${role}-cell` });
      });
    });
    canvas.record({ role, x: area.left, y, width, height, text: cells.map((cell) => cell.lines.map(lineText).join(' ')).join(' | ') });
    y += height;
  };
  const header: Cell[] = HEADERS.map((text, column) => ({ lines: cellLines(text, column, 'bold'), align: 'center' }));
  const drawHeader = () => drawRow(header, 'table-header');
  const ensureRoom = (height: number) => {
    if (y + height > area.bottom + 0.01) {
      canvas.newPage();
      y = area.top;
      drawHeader();
    }
  };

  drawHeader();
  appendix.groups.forEach((group, groupIndex) => {
    const heading: Cell[] = [
      { lines: wrapText(canvas, `${romanNumeral(groupIndex + 1)}. ${group.heading}`, { size, face: 'bold', width: width - 2 * pad }), align: 'left' },
    ];
    const rows: Cell[][] = group.invitees.map((person, index) => [
      { lines: cellLines(String(index + 1), 0), align: 'center' },
      { lines: cellLines(person.name, 1), align: 'left' },
      { lines: cellLines(person.position ?? '', 2), align: 'left' },
      { lines: cellLines(person.unit ?? '', 3), align: 'left' },
    ]);
    // A group's heading never sits alone at the foot of a page: it goes with its first row.
    ensureRoom(rowHeight(heading) + (rows[0] ? rowHeight(rows[0]) : 0));
    drawRow(heading, 'table-group', true);
    for (const row of rows) {
      ensureRoom(rowHeight(row));
      drawRow(row, 'table-row');
    }
  });
}
