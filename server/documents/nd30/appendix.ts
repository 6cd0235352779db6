// The invitee list appended to a letter (Mẫu 2.1): a new page without the national heading, centred
// "Phụ lục", the title, the reference to the letter and a short rule, then a table grouped by unit kind
// whose header repeats on every page and whose rows never split. Its pages are numbered on their own.
import type { Nd30Canvas } from './canvas.ts';
import { lineHeight } from './config.ts';
import { upper } from './heading.ts';
import { TableFlow, type TableSpec } from './table.ts';
import { drawLine, wrapBalanced } from './text-flow.ts';
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

  const table = new TableFlow(canvas, appendixTableSpec(canvas), y);
  table.draw(table.header);
  appendix.groups.forEach((group, groupIndex) => {
    const heading = table.group(`${romanNumeral(groupIndex + 1)}. ${group.heading}`);
    const rows = group.invitees.map((person, index) => table.row([String(index + 1), person.name, person.position ?? '', person.unit ?? '']));
    // A group's heading never sits alone at the foot of a page: it goes with its first row.
    table.ensureRoom(heading.height + (rows[0]?.height ?? 0));
    table.draw(heading);
    for (const row of rows) {
      table.ensureRoom(row.height);
      table.draw(row);
    }
  });
}

/** The appendix's columns: STT, Họ và tên, Chức vụ, Đơn vị at the configured shares and size. */
function appendixTableSpec(canvas: Nd30Canvas): TableSpec {
  const { config } = canvas;
  return {
    columns: HEADERS.map((header, i) => ({ header, width: config.table.columns[i]! * canvas.width, align: i === 0 ? 'center' : 'left' })),
    size: config.sizes.table.value,
    padding: config.table.padding,
    borderWidth: config.table.borderWidth,
  };
}
