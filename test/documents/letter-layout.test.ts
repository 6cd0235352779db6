// The letters' geometry against Nghị định 30/2020, Phụ lục I: heading grid, rules, margins, page numbers,
// the signing block kept with the last paragraph, and the appendix table.
import { describe, expect, it } from 'vitest';
import { bundledFonts, resolveFonts } from '../../server/documents/fonts.ts';
import { checkNd30Config, mm, ND30_DEFAULTS, traceLetterLayout, type DocumentLayout, type LayoutBox, type Letter } from '../../server/documents/nd30/index.ts';
import { invitation, longLetter, official } from './samples.ts';
import { boxes, expectInsideMargins, one } from '../helpers/pdf.ts';

const EPS = 0.01;


function columns(layout: DocumentLayout) {
  const left = { x: layout.area.left, width: layout.config.columns.left };
  const right = { x: layout.area.left + layout.config.columns.left, width: layout.area.right - layout.area.left - layout.config.columns.left };
  return { left, right };
}

function inside(box: LayoutBox, column: { x: number; width: number }): boolean {
  return box.x >= column.x - EPS && box.x + box.width <= column.x + column.width + EPS;
}

const centre = (box: { x: number; width: number }) => box.x + box.width / 2;

const fontSets = [
  ['bundled Tinos', bundledFonts()],
  ['the resolved family', resolveFonts()],
] as const;

describe.each(fontSets)('letter heading and page 1 (%s)', (_name, fonts) => {
  const layout = traceLetterLayout(invitation, { fonts });
  const { left, right } = columns(layout);

  it('fits the Quốc hiệu in its column at 12–13 pt, bold upper case', () => {
    const quocHieu = one(layout, 'quoc-hieu', 1);
    expect(quocHieu.text).toBe('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(quocHieu.face).toBe('bold');
    expect(quocHieu.size).toBeGreaterThanOrEqual(12);
    expect(quocHieu.size).toBeLessThanOrEqual(13);
    expect(inside(quocHieu, right)).toBe(true);
    expect(centre(quocHieu)).toBeCloseTo(centre(right), 3);
  });

  it('underlines the Tiêu ngữ with a rule exactly as long as the text, 2.5–3 pt below its ink', () => {
    const tieuNgu = one(layout, 'tieu-ngu', 1);
    const rule = one(layout, 'tieu-ngu-rule', 1);
    expect(tieuNgu.text).toBe('Độc lập - Tự do - Hạnh phúc');
    expect(tieuNgu.size).toBeGreaterThanOrEqual(13);
    expect(tieuNgu.size).toBeLessThanOrEqual(14);
    expect(rule.width).toBeCloseTo(tieuNgu.width, 6);
    expect(rule.x).toBeCloseTo(tieuNgu.x, 6);
    const gap = rule.y - tieuNgu.inkBottom!;
    expect(gap).toBeGreaterThanOrEqual(2.5 - EPS);
    expect(gap).toBeLessThanOrEqual(3 + EPS);
    expect(inside(tieuNgu, right)).toBe(true);
  });

  it('underlines the issuing body with a centred rule of 1/3–1/2 of its line, clear of the dot under Ệ', () => {
    const issuer = boxes(layout, 'issuing-body', 1);
    expect(issuer.map((box) => box.text)).toEqual(['ỦY BAN NHÂN DÂN', 'HUYỆN GÒ DẦU']);
    const rule = one(layout, 'issuing-body-rule', 1);
    const widest = Math.max(...issuer.map((box) => box.width));
    expect(rule.width / widest).toBeGreaterThanOrEqual(1 / 3);
    expect(rule.width / widest).toBeLessThanOrEqual(1 / 2);
    const last = issuer.at(-1)!;
    expect(rule.width / last.width).toBeLessThanOrEqual(1 / 2 + EPS);
    expect(centre(rule)).toBeCloseTo(centre(last), 3);
    const gap = rule.y - last.inkBottom!;
    expect(last.inkBottom! - last.baseline!).toBeGreaterThan(1.5); // the dot under Ệ reaches below the baseline
    expect(gap).toBeGreaterThanOrEqual(2.5 - EPS);
    expect(gap).toBeLessThanOrEqual(3 + EPS);
    for (const box of issuer) {
      expect(box.face).toBe('bold');
      expect(inside(box, left)).toBe(true);
      expect(centre(box)).toBeCloseTo(centre(left), 3);
    }
  });

  it('puts Số in the left column and the place and date, italic, on the same baseline in the right one', () => {
    const number = one(layout, 'number', 1);
    const placeDate = one(layout, 'place-date', 1);
    expect(number.text).toBe('Số: 12/GM-UBND');
    expect(placeDate.text).toBe('Gò Dầu, ngày 06 tháng 5 năm 2022');
    expect(placeDate.baseline).toBe(number.baseline);
    expect(placeDate.face).toBe('italic');
    expect(number.size).toBe(13);
    expect(inside(number, left)).toBe(true);
    expect(inside(placeDate, right)).toBe(true);
    expect(number.y).toBeGreaterThan(one(layout, 'issuing-body-rule', 1).y);
    expect(number.y).toBeGreaterThan(one(layout, 'tieu-ngu-rule', 1).y);
  });

  it('centres "GIẤY MỜI" and the summary, with a 1/3–1/2 rule under the summary', () => {
    const type = one(layout, 'doc-type', 1);
    expect(type.text).toBe('GIẤY MỜI');
    expect(type.face).toBe('bold');
    const pageCentre = (layout.area.left + layout.area.right) / 2;
    expect(centre(type)).toBeCloseTo(pageCentre, 3);
    const summary = boxes(layout, 'summary', 1);
    expect(summary.length).toBeGreaterThan(0);
    for (const line of summary) expect(centre(line)).toBeCloseTo(pageCentre, 3);
    const rule = one(layout, 'summary-rule', 1);
    const widest = Math.max(...summary.map((box) => box.width));
    expect(rule.width / widest).toBeGreaterThanOrEqual(1 / 3);
    expect(rule.width / widest).toBeLessThanOrEqual(1 / 2);
    expect(centre(rule)).toBeCloseTo(pageCentre, 3);
    expect(rule.y - summary.at(-1)!.inkBottom!).toBeGreaterThanOrEqual(2.5 - EPS);
    expect(type.y).toBeGreaterThan(one(layout, 'number', 1).y + 10);
  });

  it('justifies the body at 13–14 pt with a 1 cm first-line indent and at least 6 pt between paragraphs', () => {
    const lines = boxes(layout, 'body-line');
    const textWidth = layout.area.right - layout.area.left;
    const indent = layout.config.body.firstLineIndent;
    expect(indent).toBeCloseTo(mm(10), 6);
    const firsts = lines.filter((line) => Math.abs(line.x - (layout.area.left + indent)) < EPS);
    expect(firsts.length).toBeGreaterThanOrEqual(7);
    for (const [index, line] of lines.entries()) {
      expect(line.size).toBeGreaterThanOrEqual(13);
      expect(line.size).toBeLessThanOrEqual(14);
      const next = lines[index + 1];
      const isLast = !next || Math.abs(next.x - (layout.area.left + indent)) < EPS || next.page !== line.page;
      if (!isLast) expect(line.x + line.width, line.text).toBeCloseTo(layout.area.right, 3);
      if (next && next.page === line.page) {
        const pitch = next.baseline! - line.baseline!;
        const single = line.size! * layout.config.singleLine;
        if (Math.abs(next.x - (layout.area.left + indent)) < EPS) expect(pitch - single).toBeGreaterThanOrEqual(6);
        else {
          expect(pitch).toBeGreaterThanOrEqual(single - EPS);
          expect(pitch).toBeLessThanOrEqual(1.5 * single + EPS);
        }
      }
    }
    expect(lines.at(-1)!.text!.endsWith('./.')).toBe(true);
    expect(textWidth).toBeCloseTo(mm(165), 1);
  });

  it('places the signing block in the right column and Nơi nhận level with it in the left', () => {
    const authority = boxes(layout, 'authority');
    expect(authority.map((box) => box.text)).toEqual(['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH']);
    const signer = one(layout, 'signer-name');
    const label = one(layout, 'recipients-label');
    const recipients = boxes(layout, 'recipient');
    for (const box of [...authority, signer]) {
      expect(box.face).toBe('bold');
      expect(inside(box, right)).toBe(true);
      expect(centre(box)).toBeCloseTo(centre(right), 3);
    }
    expect(label.text).toBe('Nơi nhận:');
    expect(label.face).toBe('boldItalic');
    expect(label.size).toBe(12);
    expect(label.baseline).toBe(authority[0]!.baseline);
    expect(recipients.map((box) => box.text)).toEqual(['- Như trên;', '- CT, các PCT UBND huyện;', '- LĐVP;', '- Lưu: VT, VP.']);
    for (const box of [label, ...recipients]) expect(inside(box, left)).toBe(true);
    for (const box of recipients) expect(box.size).toBe(11);
    const gap = signer.y - (authority.at(-1)!.y + authority.at(-1)!.height);
    expect(gap).toBeGreaterThanOrEqual(mm(20) - EPS);
    expect(gap).toBeLessThanOrEqual(mm(25) + EPS);
    expect(label.page).toBe(signer.page);
    expect(authority[0]!.y).toBeGreaterThan(boxes(layout, 'body-line').at(-1)!.y);
  });

  it('keeps everything inside the margins; only the page number and the draft marker sit in the top margin', () => {
    expectInsideMargins(layout, ['page-number', 'preview-marker'], EPS);
  });
});

describe('page numbers', () => {
  it('numbers the letter from page 2 and the appendix on its own, centred in the top margin', () => {
    const layout = traceLetterLayout(longLetter(14), { fonts: bundledFonts() });
    const withAppendix = traceLetterLayout({ ...longLetter(14), appendix: invitation.appendix }, { fonts: bundledFonts() });
    expect(boxes(layout, 'page-number', 1)).toEqual([]);
    const letterPages = layout.pages.filter((page) => page.section === 'letter');
    expect(letterPages.length).toBeGreaterThanOrEqual(2);
    for (const page of letterPages.slice(1)) {
      const number = one(layout, 'page-number', page.page);
      expect(number.text).toBe(String(page.numberInSection));
      expect(number.size).toBeGreaterThanOrEqual(13);
      expect(number.size).toBeLessThanOrEqual(14);
      expect(centre(number)).toBeCloseTo((layout.area.left + layout.area.right) / 2, 3);
      expect(number.y + number.height).toBeLessThanOrEqual(layout.area.top);
    }
    const appendixPages = withAppendix.pages.filter((page) => page.section === 'appendix-1');
    expect(appendixPages.length).toBeGreaterThanOrEqual(2);
    expect(appendixPages.map((page) => page.numberInSection)).toEqual(appendixPages.map((_, i) => i + 1));
    expect(boxes(withAppendix, 'page-number', appendixPages[0]!.page)).toEqual([]);
    expect(one(withAppendix, 'page-number', appendixPages[1]!.page).text).toBe('2');
  });
});

/** The last paragraph's lines: body lines from the last one that starts with the first-line indent. */
function lastParagraph(layout: DocumentLayout): LayoutBox[] {
  const lines = boxes(layout, 'body-line');
  const indentX = layout.area.left + layout.config.body.firstLineIndent;
  const start = lines.findLastIndex((line) => Math.abs(line.x - indentX) < EPS);
  return lines.slice(start);
}

describe('the signing block is never alone on a page', () => {
  const results = Array.from({ length: 12 }, (_, i) => i + 4).map((count) => {
    const layout = traceLetterLayout(longLetter(count), { fonts: bundledFonts() });
    return { count, layout };
  });

  it.each(results.map((r) => [r.count, r.layout] as const))('with %i paragraphs the last paragraph shares the signature page', (_count, layout) => {
    const signer = one(layout, 'signer-name');
    const authority = boxes(layout, 'authority');
    const label = one(layout, 'recipients-label');
    const last = lastParagraph(layout);
    expect(last.length).toBeGreaterThanOrEqual(1);
    for (const box of [...authority, label, ...boxes(layout, 'recipient')]) expect(box.page).toBe(signer.page);
    for (const line of last) expect(line.page).toBe(signer.page);
    expect(last.at(-1)!.text!.endsWith('./.')).toBe(true);
    expect(signer.y + signer.height).toBeLessThanOrEqual(layout.area.bottom + EPS);
  });

  it('moves the last paragraph to the next page with the signature when the signature does not fit under it', () => {
    const moved = results.filter(({ layout }) => {
      const last = lastParagraph(layout);
      const signerPage = one(layout, 'signer-name').page;
      if (signerPage === 1 || last[0]!.page !== signerPage) return false;
      const before = boxes(layout, 'body-line').filter((line) => line.page === signerPage - 1);
      const previousBottom = Math.max(...before.map((line) => line.y + line.height));
      const paragraphHeight = last.length * (last[1] ? last[1].baseline! - last[0]!.baseline! : 20);
      // It would have fitted on the previous page alone, yet it opens the signature page.
      return Math.abs(last[0]!.y - boxes(layout, 'body-line', signerPage)[0]!.y) < EPS && previousBottom + 6 + paragraphHeight <= layout.area.bottom;
    });
    expect(moved.length, 'at least one length where the last paragraph had to move').toBeGreaterThan(0);
  });

  it('keeps at least two lines of a paragraph at the foot and the head of a page', () => {
    for (const { layout } of results) {
      const lines = boxes(layout, 'body-line');
      const indentX = layout.area.left + layout.config.body.firstLineIndent;
      const paragraphs: LayoutBox[][] = [];
      for (const line of lines) {
        if (Math.abs(line.x - indentX) < EPS || paragraphs.length === 0) paragraphs.push([]);
        paragraphs.at(-1)!.push(line);
      }
      for (const paragraph of paragraphs) {
        const pages = [...new Set(paragraph.map((line) => line.page))];
        if (pages.length < 2) continue;
        for (const page of pages) expect(paragraph.filter((line) => line.page === page).length).toBeGreaterThanOrEqual(2);
      }
    }
  });
});

describe('công văn', () => {
  const layout = traceLetterLayout(official, { fonts: bundledFonts() });
  const { left } = columns(layout);

  it('puts "V/v …" at 12–13 pt centred under Số, then Kính gửi, with no type line', () => {
    const number = one(layout, 'number', 1);
    expect(number.text).toBe('Số: 05/UBND-VP');
    const subject = boxes(layout, 'subject-line', 1);
    expect(subject.length).toBeGreaterThanOrEqual(1);
    expect(subject[0]!.text!.startsWith('V/v triệu tập')).toBe(true);
    for (const line of subject) {
      expect(line.size).toBeGreaterThanOrEqual(12);
      expect(line.size).toBeLessThanOrEqual(13);
      expect(inside(line, left)).toBe(true);
      expect(centre(line)).toBeCloseTo(centre(left), 3);
      expect(line.y).toBeGreaterThan(number.y);
    }
    expect(boxes(layout, 'doc-type')).toEqual([]);
    const label = one(layout, 'addressee-label', 1);
    expect(label.text).toBe('Kính gửi:');
    expect(label.y).toBeGreaterThan(subject.at(-1)!.y);
    expect(boxes(layout, 'addressee').map((box) => box.text)).toEqual([
      '- Thủ trưởng các cơ quan chuyên môn thuộc UBND huyện;',
      '- Chủ tịch UBND các xã, thị trấn.',
    ]);
    expect(one(layout, 'place-date', 1).text).toBe('Gò Dầu, ngày 15 tháng 01 năm 2023');
  });

  it('prints a parent body line, regular, above the issuing body when the agency has one', () => {
    const withParent: Letter = { ...official, agency: { ...official.agency, parentName: 'Ubnd tỉnh Tây Ninh' } };
    const traced = traceLetterLayout(withParent, { fonts: bundledFonts() });
    const parent = one(traced, 'parent-body', 1);
    expect(parent.text).toBe('UBND TỈNH TÂY NINH');
    expect(parent.face).toBe('regular');
    expect(parent.baseline).toBe(one(traced, 'quoc-hieu', 1).baseline);
    expect(boxes(traced, 'issuing-body', 1)[0]!.y).toBeGreaterThan(parent.y);
  });
});

describe('appendix (Mẫu 2.1)', () => {
  const layout = traceLetterLayout(invitation, { fonts: bundledFonts() });
  const appendixPages = layout.pages.filter((page) => page.section === 'appendix-1').map((page) => page.page);

  it('starts on a new page without the national heading', () => {
    expect(appendixPages.length).toBeGreaterThanOrEqual(2);
    const first = appendixPages[0]!;
    expect(first).toBeGreaterThan(one(layout, 'signer-name').page);
    for (const role of ['quoc-hieu', 'tieu-ngu', 'issuing-body', 'number']) expect(boxes(layout, role, first)).toEqual([]);
    const label = one(layout, 'appendix-label', first);
    expect(label.text).toBe('Phụ lục');
    expect(label.face).toBe('bold');
    expect(label.size).toBe(14);
    const title = boxes(layout, 'appendix-title', first);
    expect(title.map((box) => box.text).join(' ')).toBe('DANH SÁCH ĐẠI BIỂU ĐƯỢC MỜI DỰ LỚP TẬP HUẤN CẢI CÁCH HÀNH CHÍNH NĂM 2022 (ĐỢT 1)');
    const reference = boxes(layout, 'appendix-reference', first);
    expect(reference.map((box) => box.text).join(' ')).toBe('(Kèm theo Giấy mời số 12/GM-UBND ngày 06 tháng 5 năm 2022 của Ủy ban nhân dân huyện Gò Dầu)');
    const rule = one(layout, 'appendix-rule', first);
    expect(rule.y).toBeGreaterThan(reference.at(-1)!.inkBottom!);
    expect(rule.width).toBeLessThan(reference[0]!.width / 2);
  });

  it('repeats the table header at the top of every appendix page and never splits a row', () => {
    for (const page of appendixPages) {
      const header = one(layout, 'table-header', page);
      const rows = [...boxes(layout, 'table-row', page), ...boxes(layout, 'table-group', page)];
      for (const row of rows) {
        expect(row.y).toBeGreaterThanOrEqual(header.y + header.height - EPS);
        expect(row.y + row.height).toBeLessThanOrEqual(layout.area.bottom + EPS);
      }
      expect(header.text).toBe('STT | Họ và tên | Chức vụ | Đơn vị');
    }
  });

  it('groups the rows under their data headings, numbered I, II, with STT from 1 in each group', () => {
    const groups = boxes(layout, 'table-group');
    expect(groups.map((box) => box.text)).toEqual(['I. Cơ quan chuyên môn thuộc UBND huyện', 'II. UBND các xã, thị trấn']);
    const rows = layout.boxes.filter((box) => box.role === 'table-row' || box.role === 'table-group');
    const numbers = rows.map((row) => (row.role === 'table-group' ? 'group' : row.text!.split(' | ')[0]));
    expect(numbers.slice(0, 4)).toEqual(['group', '1', '2', '3']);
    const second = numbers.lastIndexOf('group');
    expect(numbers.slice(second + 1, second + 3)).toEqual(['1', '2']);
    expect(rows.filter((row) => row.role === 'table-row').length).toBe(invitation.appendix!.groups.reduce((n, g) => n + g.invitees.length, 0));
    for (const group of groups) {
      const next = rows[rows.indexOf(group) + 1]!;
      expect(next.page, 'a group heading is followed on its page by its first row').toBe(group.page);
    }
  });

  it('takes the group headings from the data (no hard-coded "huyện")', () => {
    const traced = traceLetterLayout(
      {
        ...invitation,
        appendix: { title: 'Danh sách', groups: [{ heading: 'Các phòng chuyên môn thuộc UBND tỉnh', invitees: [{ name: 'Lê Văn Ánh' }] }] },
      },
      { fonts: bundledFonts() },
    );
    expect(boxes(traced, 'table-group').map((box) => box.text)).toEqual(['I. Các phòng chuyên môn thuộc UBND tỉnh']);
  });

  it('is left out when the list is empty', () => {
    const traced = traceLetterLayout({ ...invitation, appendix: { title: 'Danh sách', groups: [{ heading: 'Trống', invitees: [] }] } }, { fonts: bundledFonts() });
    expect(traced.pages.every((page) => page.section === 'letter')).toBe(true);
  });
});

describe('draft (preview)', () => {
  it('leaves the number blank and marks every page in grey in the top margin', () => {
    const layout = traceLetterLayout({ ...invitation, number: null }, { fonts: bundledFonts() });
    expect(one(layout, 'number', 1).text).toMatch(/^Số: \u00a0+\/GM-UBND$/);
    for (const page of layout.pages) {
      const marker = one(layout, 'preview-marker', page.page);
      expect(marker.text).toContain('BẢN XEM TRƯỚC');
      expect(marker.inMargin).toBe(true);
    }
    const explicit = traceLetterLayout({ ...invitation, preview: true }, { fonts: bundledFonts() });
    expect(one(explicit, 'number', 1).text).not.toContain('12');
    const issued = traceLetterLayout(invitation, { fonts: bundledFonts() });
    expect(boxes(issued, 'preview-marker')).toEqual([]);
  });
});

describe('long names stay in their columns', () => {
  it('shrinks, then breaks, an issuing body line too wide for 65 mm, and fits a long place and date', () => {
    const letter: Letter = {
      ...official,
      agency: { ...official.agency, parentName: 'Ủy ban nhân dân Thành phố Hồ Chí Minh', nameLines: ['Sở Thông tin và Truyền thông'], placeName: 'Thành phố Hồ Chí Minh' },
      date: '2022-12-28',
    };
    const layout = traceLetterLayout(letter, { fonts: bundledFonts() });
    const { left, right } = columns(layout);
    const issuer = boxes(layout, 'issuing-body', 1);
    const parent = boxes(layout, 'parent-body', 1);
    expect(issuer.map((box) => box.text).join(' ')).toBe('SỞ THÔNG TIN VÀ TRUYỀN THÔNG');
    expect(parent.map((box) => box.text).join(' ')).toBe('ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH');
    for (const box of [...issuer, ...parent]) {
      expect(inside(box, left), box.text).toBe(true);
      expect(box.size).toBeGreaterThanOrEqual(12);
    }
    const placeDate = one(layout, 'place-date', 1);
    expect(placeDate.text).toBe('Thành phố Hồ Chí Minh, ngày 28 tháng 12 năm 2022');
    expect(inside(placeDate, right)).toBe(true);
    expect(placeDate.size).toBeGreaterThanOrEqual(13);
    const rule = one(layout, 'issuing-body-rule', 1);
    expect(rule.y).toBeGreaterThan(issuer.at(-1)!.inkBottom!);
  });
});

describe('configuration', () => {
  it("keeps every default within the decree's ranges, and says which value does not", () => {
    expect(checkNd30Config(ND30_DEFAULTS)).toEqual([]);
    expect(ND30_DEFAULTS.columns.left).toBeCloseTo(mm(65), 6);
    expect(ND30_DEFAULTS.columns.right).toBeCloseTo(mm(100), 6);
    expect(ND30_DEFAULTS.spacing.signatureGap.value).toBeGreaterThanOrEqual(mm(20));
    expect(ND30_DEFAULTS.spacing.signatureGap.value).toBeLessThanOrEqual(mm(25));
    const tooSmall = { ...ND30_DEFAULTS, sizes: { ...ND30_DEFAULTS.sizes, body: { value: 12, min: 13, max: 14 } } };
    expect(checkNd30Config(tooSmall)).toEqual(['sizes.body = 12 is outside 13–14']);
  });

  it('lays out with an agency choosing other values within the ranges (25 mm margins, 13 pt body)', () => {
    const config = {
      ...ND30_DEFAULTS,
      margins: { ...ND30_DEFAULTS.margins, top: { ...ND30_DEFAULTS.margins.top, value: mm(25) }, left: { ...ND30_DEFAULTS.margins.left, value: mm(35) } },
      columns: { left: mm(65), right: mm(95) },
      sizes: { ...ND30_DEFAULTS.sizes, body: { ...ND30_DEFAULTS.sizes.body, value: 13 } },
    };
    expect(checkNd30Config(config)).toEqual([]);
    const layout = traceLetterLayout(invitation, { fonts: bundledFonts(), config });
    expect(layout.area.left).toBeCloseTo(mm(35), 6);
    expect(one(layout, 'quoc-hieu', 1).y).toBeGreaterThanOrEqual(mm(25) - EPS);
    expect(boxes(layout, 'body-line')[0]!.size).toBe(13);
    const quocHieu = one(layout, 'quoc-hieu', 1);
    expect(quocHieu.x + quocHieu.width).toBeLessThanOrEqual(layout.area.right + EPS);
  });
});
