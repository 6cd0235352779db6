// The sign-in sheet: what pdftotext gives back from the blank and the filled sheet (names, times only when
// filled, status words, totals, NFC), and its layout from the canvas trace (room to sign, rows never split,
// the header on every page, margins, the footer kept with its signatures, page numbers from page 2).
import { describe, expect, it } from 'vitest';
import { bundledFonts } from '../../server/documents/fonts.ts';
import {
  mm,
  renderSignInSheetPdf,
  signInNote,
  traceSignInSheetLayout,
  type LayoutBox,
  type SignInRow,
  type SignInSheet,
} from '../../server/documents/nd30/index.ts';
import { boxes, expectInsideMargins, one, pdfFonts, pdfPageCount, pdfPagesText, streamToBuffer, textLines } from '../helpers/pdf.ts';
import { minutesAfterSeven, sampleRows, signInSheet } from './sign-in-samples.ts';

const EPS = 0.01;
const collapse = (text: string) => text.replace(/[\s\u00a0]+/g, ' ').trim();
const fonts = bundledFonts();


/** A row's cells as traced: "1 | Nguyễn Văn Ánh | Phó Trưởng phòng | … | 07:05 |  | ". */
const cells = (row: LayoutBox) => row.text!.split(' | ');

/** Every string in a value, deeply, as NFD (decomposed): how some keyboards and old files deliver Vietnamese. */
function toNfd<T>(value: T): T {
  if (typeof value === 'string') return value.normalize('NFD') as T;
  if (Array.isArray(value)) return value.map(toNfd) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toNfd(v)])) as T;
  return value;
}

const STATUS_TEXT = ['Đến muộn', 'Vắng', 'Vắng có phép', 'Đi thay cho', 'Đăng ký tại chỗ (chờ xác nhận)'];
const CLOCK = /\b\d{2}:\d{2}\b/;

describe('the text of the blank and the filled sheet', async () => {
  const filledSheet = signInSheet({ filled: true });
  // The same data printed blank: whatever was recorded, a sheet for signing shows no time and no status.
  const blankSheet: SignInSheet = { ...filledSheet, filled: false };
  // NFD data in: the PDF must still give back NFC text.
  const blank = await streamToBuffer(renderSignInSheetPdf(toNfd(blankSheet)));
  const filled = await streamToBuffer(renderSignInSheetPdf(toNfd(filledSheet)));
  const blankPages = await pdfPagesText(blank);
  const filledPages = await pdfPagesText(filled);
  const blankText = collapse(blankPages.join('\n'));
  const filledText = collapse(filledPages.join('\n'));

  it('is a PDF of several pages with embedded Unicode fonts', async () => {
    expect(blank.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await pdfPageCount(blank)).toBeGreaterThanOrEqual(2);
    for (const font of await pdfFonts(filled)) {
      expect(font.embedded).toBe(true);
      expect(font.unicode).toBe(true);
    }
  });

  it('gives back the heading, the title block and the table header, in NFC', () => {
    const lines = textLines(blankPages[0]!);
    for (const expected of ['UBND TỈNH TÂY NINH', 'ỦY BAN NHÂN DÂN', 'HUYỆN GÒ DẦU', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'DANH SÁCH ĐẠI BIỂU THAM DỰ', 'Lớp tập huấn nghiệp vụ cải cách hành chính năm 2022 (Đợt 1)']) {
      expect(lines).toContain(expected);
    }
    for (const text of [blankText, filledText]) {
      expect(text).toContain('(Kèm theo Giấy mời số 01/GM-UBND ngày 06 tháng 5 năm 2022 của Ủy ban nhân dân huyện Gò Dầu)');
      expect(text).toContain('Thời gian: từ 07 giờ 30 phút đến 11 giờ 00 phút, thứ Năm, ngày 12 tháng 5 năm 2022');
      expect(text).toContain('Địa điểm: Hội trường Ủy ban nhân dân huyện Gò Dầu');
      expect(text).toContain('I. Cơ quan chuyên môn thuộc UBND huyện');
      expect(text).toContain('II. UBND các xã, thị trấn');
      expect(text).toBe(text.normalize('NFC'));
      expect(text).not.toMatch(/Số:/);
    }
    for (const page of blankPages) {
      const pageText = collapse(page);
      for (const header of ['STT', 'Họ và tên', 'Chức vụ', 'Đơn vị', 'Ký tên', 'Ghi chú']) expect(pageText).toContain(header);
    }
  });

  it("prints every person's name on both sheets", () => {
    const rows = sampleRows(blankSheet);
    expect(rows.length).toBe(60);
    for (const row of rows) {
      expect(blankText).toContain(row.name);
      expect(filledText).toContain(row.name);
    }
  });

  it('prints check-in times and status words only on the filled sheet', () => {
    expect(blankText).not.toMatch(CLOCK);
    for (const word of STATUS_TEXT) expect(blankText).not.toContain(word);
    for (const word of STATUS_TEXT) expect(filledText).toContain(word);
    expect(filledText).toContain('Vắng có phép: Ốm');
    expect(filledText).toContain('Đi thay cho Phạm Thị Uyên');
    // 07:05 in Vietnam is 00:05 UTC: the time zone is Vietnam's whatever the server's.
    expect(filledText).toContain('07:05');
    expect(filledText).not.toContain('00:05');
  });

  it('counts the people, and after the session who came and who did not', () => {
    expect(blankText).toContain('Tổng số: 60 đại biểu');
    expect(blankText).not.toContain('có mặt');
    // Of every ten: 3 late, 5 excused, 7 absent, 8 substitute, 9 registered at the door, the rest present.
    expect(filledText).toContain('Tổng số: 60 đại biểu (có mặt: 48; vắng: 12)');
  });

  it('prints both signature blocks, the names given, and the date of the session', () => {
    const last = collapse(filledPages.at(-1)!);
    for (const expected of ['NGƯỜI LẬP DANH SÁCH', 'TM. BAN TỔ CHỨC', 'Trần Thị Hạnh', 'Nguyễn Văn Minh', 'Gò Dầu, ngày 12 tháng 5 năm 2022']) expect(last).toContain(expected);
  });
});

describe('the rows of a filled sheet', () => {
  const sheet = signInSheet({ filled: true });
  const layout = traceSignInSheetLayout(sheet, { fonts });
  const rows = boxes(layout, 'table-row');
  const people = sampleRows(sheet);

  it('has one row per person, STT from 1 in each group, name, time in Vietnam and status words', () => {
    expect(rows.length).toBe(people.length);
    const firstGroup = sheet.groups[0]!.rows.length;
    rows.forEach((row, i) => {
      const [stt, name, , , time, signature, note] = cells(row);
      const person = people[i]!;
      expect(stt).toBe(String(i < firstGroup ? i + 1 : i - firstGroup + 1));
      expect(name).toBe(person.name);
      expect(signature, 'Ký tên is never pre-filled').toBe('');
      if (person.checkedInAt) {
        const minutes = (Date.parse(person.checkedInAt) - Date.parse(minutesAfterSeven(0))) / 60_000;
        expect(time).toBe(`07:${String(minutes).padStart(2, '0')}`);
      } else {
        expect(time).toBe('');
      }
      // A word too long for the column is cut by letters, and the trace joins a cell's lines with spaces.
      expect(note!.replace(/\s/g, '')).toBe(signInNote(person).replace(/\s/g, ''));
      if (person.status === 'present' && !person.needsReview) expect(note).toBe('');
    });
  });

  it('words each status as the list convention has it', () => {
    const base: SignInRow = { name: 'Lê Văn Ánh' };
    expect(signInNote({ ...base, status: 'present', checkedInAt: minutesAfterSeven(1) })).toBe('');
    expect(signInNote({ ...base, status: 'late' })).toBe('Đến muộn');
    expect(signInNote({ ...base, status: 'excused', note: 'Ốm.' })).toBe('Vắng có phép: Ốm');
    expect(signInNote({ ...base, status: 'excused' })).toBe('Vắng có phép');
    expect(signInNote({ ...base, status: 'absent' })).toBe('Vắng');
    expect(signInNote({ ...base, status: 'substitute', note: 'Phạm Thị Uyên' })).toBe('Đi thay cho Phạm Thị Uyên');
    expect(signInNote({ ...base, status: 'present', needsReview: true })).toBe('Đăng ký tại chỗ (chờ xác nhận)');
    expect(signInNote({ ...base, status: 'late', needsReview: true })).toBe('Đến muộn; Đăng ký tại chỗ (chờ xác nhận)');
    // Nothing recorded: present when checked in, absent otherwise.
    expect(signInNote({ ...base, status: null, checkedInAt: minutesAfterSeven(1) })).toBe('');
    expect(signInNote({ ...base, status: null, checkedInAt: null })).toBe('Vắng');
  });

  it('counts unrecorded rows by their check-in', async () => {
    const sheet: SignInSheet = {
      ...signInSheet({ filled: true, count: 0 }),
      groups: [
        {
          heading: 'Khách mời',
          rows: [
            { name: 'Lê Văn Ánh', checkedInAt: '2022-05-11T23:58:00Z' },
            { name: 'Trần Thị Bảo', status: null },
            { name: 'Võ Văn Cường', status: 'excused' },
          ],
        },
      ],
    };
    const text = collapse((await pdfPagesText(await streamToBuffer(renderSignInSheetPdf(sheet, { fonts })))).join('\n'));
    expect(text).toContain('Tổng số: 3 đại biểu (có mặt: 1; vắng: 2)');
    // 23:58 UTC on the 11th is 06:58 on the 12th in Vietnam.
    expect(text).toContain('06:58');
  });
});

describe('layout', () => {
  const layout = traceSignInSheetLayout(signInSheet({ filled: true }), { fonts });
  const blankLayout = traceSignInSheetLayout(signInSheet({ filled: false }), { fonts });

  it('puts the letter heading without Số or date on page 1, then the title block at the sizes of the convention', () => {
    for (const role of ['quoc-hieu', 'tieu-ngu', 'tieu-ngu-rule', 'issuing-body-rule']) one(layout, role, 1);
    expect(boxes(layout, 'issuing-body', 1).map((box) => box.text)).toEqual(['ỦY BAN NHÂN DÂN', 'HUYỆN GÒ DẦU']);
    expect(boxes(layout, 'number')).toEqual([]);
    expect(boxes(layout, 'place-date', 1)).toEqual([]);
    const title = one(layout, 'sheet-title', 1);
    expect(title.text).toBe('DANH SÁCH ĐẠI BIỂU THAM DỰ');
    const pageCentre = (layout.area.left + layout.area.right) / 2;
    for (const [role, size, face] of [['sheet-title', 14, 'bold'], ['sheet-event', 14, 'bold'], ['sheet-reference', 13, 'italic'], ['sheet-details', 13, 'italic']] as const) {
      const lines = boxes(layout, role, 1);
      expect(lines.length, role).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line.size, role).toBe(size);
        expect(line.face, role).toBe(face);
        expect(line.x + line.width / 2).toBeCloseTo(pageCentre, 3);
      }
    }
    expect(title.y).toBeGreaterThan(one(layout, 'tieu-ngu-rule', 1).y);
    expect(one(layout, 'table-header', 1).y).toBeGreaterThan(boxes(layout, 'sheet-details', 1).at(-1)!.y);
  });

  it('sets the table at 12 pt, its header bold, the group headings from the data numbered I, II', () => {
    const cellsDrawn = layout.boxes.filter((box) => box.role === 'table-row-cell' || box.role === 'table-header-cell');
    for (const box of cellsDrawn) expect(box.size).toBe(12);
    for (const box of boxes(layout, 'table-header-cell')) expect(box.face).toBe('bold');
    expect(boxes(layout, 'table-header', 1)[0]!.text).toBe('STT | Họ và tên | Chức vụ | Đơn vị | Giờ điểm danh | Ký tên | Ghi chú');
    expect(boxes(layout, 'table-group').map((box) => box.text)).toEqual(['I. Cơ quan chuyên môn thuộc UBND huyện', 'II. UBND các xã, thị trấn']);
    const ordered = layout.boxes.filter((box) => box.role === 'table-row' || box.role === 'table-group');
    for (const group of boxes(layout, 'table-group')) {
      const next = ordered[ordered.indexOf(group) + 1]!;
      expect(next.role).toBe('table-row');
      expect(next.page, 'a group heading is followed on its page by its first row').toBe(group.page);
    }
  });

  it('spreads 60 people over several pages, the header at the top of each and every row whole on its page', () => {
    for (const traced of [layout, blankLayout]) {
      expect(traced.pages.length).toBeGreaterThanOrEqual(2);
      for (const { page } of traced.pages) {
        const header = one(traced, 'table-header', page);
        const rows = [...boxes(traced, 'table-row', page), ...boxes(traced, 'table-group', page)];
        expect(rows.length).toBeGreaterThan(0);
        if (page > 1) expect(header.y).toBeCloseTo(traced.area.top, 6);
        for (const row of rows) {
          expect(row.y).toBeGreaterThanOrEqual(header.y + header.height - EPS);
          expect(row.y + row.height).toBeLessThanOrEqual(traced.area.bottom + EPS);
        }
      }
      // A split row would leave some of its text on another page than its frame.
      const frames = traced.boxes.filter((box) => box.role === 'table-row');
      for (const text of boxes(traced, 'table-row-cell')) {
        const frame = frames.find((row) => row.page === text.page && text.y >= row.y - EPS && text.y + text.height <= row.y + row.height + EPS);
        expect(frame, `"${text.text}" on page ${text.page} lies in a row`).toBeDefined();
      }
    }
  });

  it('gives every person a row at least 10 mm high to sign in', () => {
    for (const row of boxes(layout, 'table-row')) expect(row.height).toBeGreaterThanOrEqual(mm(10) - EPS);
    // One-line rows (short names, no unit) are where the minimum shows.
    const short = traceSignInSheetLayout(
      { ...signInSheet({ filled: false, count: 0 }), groups: [{ heading: 'Khách mời', rows: [{ name: 'Lê Ánh' }, { name: 'Võ Bảo' }] }] },
      { fonts },
    );
    const rows = boxes(short, 'table-row');
    expect(rows.length).toBe(2);
    for (const row of rows) expect(row.height).toBeCloseTo(mm(10), 6);
    expect(boxes(short, 'table-group')[0]!.height).toBeLessThan(mm(10));
  });

  it('keeps everything inside the margins; only the page numbers sit in the top margin', () => {
    for (const traced of [layout, blankLayout]) expectInsideMargins(traced, ['page-number'], EPS);
  });

  it('numbers the pages from 2, centred in the top margin, none on page 1', () => {
    expect(boxes(layout, 'page-number', 1)).toEqual([]);
    for (const { page } of layout.pages.slice(1)) {
      const number = one(layout, 'page-number', page);
      expect(number.text).toBe(String(page));
      expect(number.size).toBeGreaterThanOrEqual(13);
      expect(number.x + number.width / 2).toBeCloseTo((layout.area.left + layout.area.right) / 2, 3);
    }
  });

  it('puts the two signature blocks side by side, level, under the total', () => {
    const titles = boxes(layout, 'signature-title');
    expect(titles.map((box) => box.text)).toEqual(['NGƯỜI LẬP DANH SÁCH', 'TM. BAN TỔ CHỨC']);
    const [left, right] = titles as [LayoutBox, LayoutBox];
    expect(left.baseline).toBe(right.baseline);
    expect(left.x + left.width).toBeLessThan(right.x);
    expect(left.face).toBe('bold');
    const names = boxes(layout, 'signature-name');
    expect(names.map((box) => box.text)).toEqual(['Trần Thị Hạnh', 'Nguyễn Văn Minh']);
    expect(names[0]!.baseline).toBe(names[1]!.baseline);
    const space = one(layout, 'signature-space');
    expect(space.height).toBeGreaterThanOrEqual(mm(20) - EPS);
    expect(names[0]!.y).toBeGreaterThanOrEqual(space.y + space.height - EPS);
    expect(left.y).toBeGreaterThan(one(layout, 'sheet-total').y);
  });

  it('leaves the names blank, with a hint and the same room, when none are given', () => {
    const traced = traceSignInSheetLayout({ ...signInSheet({ filled: false }), preparedBy: undefined, organizerName: '  ' }, { fonts });
    expect(boxes(traced, 'signature-name')).toEqual([]);
    expect(boxes(traced, 'signature-hint').map((box) => box.text)).toEqual(['(Ký, ghi rõ họ tên)', '(Ký, ghi rõ họ tên)']);
    const space = one(traced, 'signature-space');
    expect(space.y).toBeGreaterThan(boxes(traced, 'signature-hint')[0]!.y);
    expect(space.y + space.height).toBeLessThanOrEqual(traced.area.bottom + EPS);
  });
});

describe('a group heading never ends a page', () => {
  // Rows of one line, all 10 mm: as the first group grows, its end passes every point of a page.
  const short = (count: number): SignInRow[] => Array.from({ length: count }, (_, i) => ({ name: i % 2 ? 'Lê Văn Ánh' : 'Võ Thị Bảo' }));
  const results = Array.from({ length: 30 }, (_, i) => 1 + i).map((first) => {
    const sheet: SignInSheet = { ...signInSheet({ filled: false, count: 0 }), groups: [{ heading: 'Cơ quan chuyên môn thuộc UBND huyện', rows: short(first) }, { heading: 'UBND các xã, thị trấn', rows: short(4) }] };
    return { first, layout: traceSignInSheetLayout(sheet, { fonts }) };
  });

  it.each(results.map((r) => [r.first, r.layout] as const))('with %i people in the first group the second heading shares a page with its first row', (_first, layout) => {
    const ordered = layout.boxes.filter((box) => box.role === 'table-row' || box.role === 'table-group');
    const second = boxes(layout, 'table-group')[1]!;
    expect(second.text).toBe('II. UBND các xã, thị trấn');
    const next = ordered[ordered.indexOf(second) + 1]!;
    expect(next.page).toBe(second.page);
    for (const row of ordered) expect(row.y + row.height, `${row.text} on page ${row.page}`).toBeLessThanOrEqual(layout.area.bottom + EPS);
  });

  it('moves a heading to the next page when its first row does not fit under it', () => {
    const moved = results.filter(({ layout }) => {
      const ordered = layout.boxes.filter((box) => box.role === 'table-row' || box.role === 'table-group');
      const second = boxes(layout, 'table-group')[1]!;
      const before = ordered[ordered.indexOf(second) - 1]!;
      const first = ordered[ordered.indexOf(second) + 1]!;
      // The heading and the row each would have fitted alone under the previous row; together they did not.
      const room = layout.area.bottom - (before.y + before.height);
      return second.page === before.page + 1 && second.height <= room && first.height <= room && second.height + first.height > room;
    });
    expect(moved.length, 'at least one size where the heading alone, or its row alone, would have fitted').toBeGreaterThan(0);
  });
});

describe('the footer stays with its signatures and the last row', () => {
  const results = Array.from({ length: 16 }, (_, i) => 6 + i).map((count) => ({ count, layout: traceSignInSheetLayout(signInSheet({ filled: true, count }), { fonts }) }));

  it.each(results.map((r) => [r.count, r.layout] as const))('with %i people the total, the date and both signature blocks share the last row’s page', (count, layout) => {
    const total = one(layout, 'sheet-total');
    const footer = [total, one(layout, 'place-date'), ...boxes(layout, 'signature-title'), ...boxes(layout, 'signature-name'), one(layout, 'signature-space')];
    expect(footer.length).toBe(7);
    const rows = boxes(layout, 'table-row');
    expect(rows.length).toBe(count);
    const lastRow = rows.at(-1)!;
    for (const box of footer) {
      expect(box.page).toBe(lastRow.page);
      expect(box.y).toBeGreaterThan(lastRow.y + lastRow.height);
      expect(box.y + box.height).toBeLessThanOrEqual(layout.area.bottom + EPS);
    }
    expect(lastRow.page).toBe(layout.pages.length);
  });

  it('moves the last row over with the footer when the footer does not fit under it', () => {
    const moved = results.filter(({ layout }) => {
      const rows = boxes(layout, 'table-row');
      const last = rows.at(-1)!;
      const before = rows.at(-2)!;
      // The last row would have fitted under the one before it, yet it opens the next page.
      return last.page === before.page + 1 && before.y + before.height + last.height <= layout.area.bottom;
    });
    expect(moved.length, 'at least one count where the last row had to move').toBeGreaterThan(0);
  });
});
