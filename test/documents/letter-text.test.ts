// What a reader (or a search index) gets back from the letters: pdftotext gives the expected Vietnamese
// lines in NFC, whatever normalization the data came in.
import { describe, expect, it } from 'vitest';
import {
  invitationParagraphs,
  officialParagraphs,
  renderLetterPdf,
  type InvitationLetter,
  type Letter,
  type RichText,
} from '../../server/documents/nd30/index.ts';
import { pdfFonts, pdfPageCount, pdfPagesText, pdfToText, streamToBuffer, textLines } from '../helpers/pdf.ts';
import { invitation, longLetter, official } from './samples.ts';

const collapse = (text: string) => text.replace(/[\s\u00a0]+/g, ' ').trim();
const plain = (text: RichText) => (typeof text === 'string' ? text : text.map((run) => run.text).join(''));

async function render(letter: Letter): Promise<Buffer> {
  return streamToBuffer(renderLetterPdf(letter));
}

/** Every string in a value, deeply, as NFD (decomposed): how some keyboards and old files deliver Vietnamese. */
function toNfd<T>(value: T): T {
  if (typeof value === 'string') return value.normalize('NFD') as T;
  if (Array.isArray(value)) return value.map(toNfd) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toNfd(v)])) as T;
  return value;
}

describe('giấy mời with its appendix', async () => {
  const pdf = await render(invitation);
  const pages = await pdfPagesText(pdf);

  it('is a PDF of the letter page and the appendix pages, fonts embedded with Unicode maps', async () => {
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await pdfPageCount(pdf)).toBe(3);
    for (const font of await pdfFonts(pdf)) {
      expect(font.embedded).toBe(true);
      expect(font.unicode).toBe(true);
    }
  });

  it('gives back the heading, type, summary and signature lines', () => {
    const lines = textLines(pages[0]!);
    for (const expected of [
      'ỦY BAN NHÂN DÂN',
      'HUYỆN GÒ DẦU',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Số: 12/GM-UBND',
      'Gò Dầu, ngày 06 tháng 5 năm 2022',
      'GIẤY MỜI',
      'Nơi nhận:',
      '- Như trên;',
      '- CT, các PCT UBND huyện;',
      '- LĐVP;',
      '- Lưu: VT, VP.',
      'KT. CHỦ TỊCH',
      'PHÓ CHỦ TỊCH',
      'Nguyễn Văn Minh',
    ]) {
      expect(lines, expected).toContain(expected);
    }
    expect(collapse(pages[0]!)).toContain('Tham dự lớp tập huấn nghiệp vụ cải cách hành chính và kiểm soát thủ tục hành chính năm 2022');
    expect(pages[0]).not.toContain('BẢN XEM TRƯỚC');
  });

  it('gives back every paragraph of Mẫu 1.7 word for word, the last ending "./."', () => {
    const text = collapse(pages[0]!);
    const paragraphs = invitationParagraphs(invitation).map(plain);
    expect(paragraphs).toEqual([
      'Thực hiện Kế hoạch số 1183/KH-UBND ngày 08/4/2022 của UBND tỉnh Tây Ninh về tuyên truyền cải cách hành chính năm 2022 trên địa bàn tỉnh Tây Ninh;',
      'Ủy ban nhân dân huyện Gò Dầu trân trọng kính mời: Lãnh đạo và công chức phụ trách cải cách hành chính của các cơ quan chuyên môn thuộc UBND huyện và UBND các xã, thị trấn (có danh sách kèm theo).',
      'Tới dự lớp tập huấn nghiệp vụ cải cách hành chính và kiểm soát thủ tục hành chính năm 2022 (Đợt 1).',
      'Chủ trì: Đồng chí Nguyễn Văn Minh - Phó Chủ tịch UBND huyện.',
      'Thời gian: 01 buổi, từ 07 giờ 30 phút đến 11 giờ 00 phút, thứ Năm, ngày 12 tháng 5 năm 2022 (đề nghị đại biểu có mặt trước 15 phút để điểm danh).',
      'Địa điểm: Hội trường Ủy ban nhân dân huyện Gò Dầu (số 1 đường Hùng Vương, thị trấn Gò Dầu).',
      'Đề nghị đại biểu mang theo máy tính xách tay có kết nối mạng để thực hành trên Cổng dịch vụ công trực tuyến tỉnh Tây Ninh; mọi chi tiết xin liên hệ đồng chí Trần Thị Hạnh, Văn phòng HĐND và UBND huyện, điện thoại 0276 3853 000.',
      'Ủy ban nhân dân huyện rất mong đại biểu tham dự đầy đủ, đúng thời gian./.',
    ]);
    for (const paragraph of paragraphs) expect(text).toContain(paragraph);
  });

  it('gives back the appendix heading and the table rows', async () => {
    const lines = textLines(pages[1]!);
    expect(lines[0]).toBe('Phụ lục');
    const text = collapse(pages[1]!);
    expect(text).toContain('DANH SÁCH ĐẠI BIỂU ĐƯỢC MỜI DỰ LỚP TẬP HUẤN CẢI CÁCH HÀNH CHÍNH NĂM 2022 (ĐỢT 1)');
    expect(text).toContain('(Kèm theo Giấy mời số 12/GM-UBND ngày 06 tháng 5 năm 2022 của Ủy ban nhân dân huyện Gò Dầu)');
    expect(pages[1]).not.toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    const layout = textLines(await pdfToText(pdf, { first: 2, last: 3, layout: true }));
    const row = (stt: string, name: string, position: string, unit: string) =>
      new RegExp(`^${stt} ${name} ${position} ${unit}$`.replace(/[()]/g, '\\$&'), 'u');
    expect(layout).toContainEqual(expect.stringMatching(/^STT Họ và tên Chức vụ Đơn vị$/u));
    expect(layout).toContainEqual(expect.stringMatching(/^I\. Cơ quan chuyên môn thuộc UBND huyện$/u));
    expect(layout).toContainEqual(expect.stringMatching(/^II\. UBND các xã, thị trấn$/u));
    expect(layout).toContainEqual(expect.stringMatching(row('3', 'Lê Hữu Phúc', 'Phó Trưởng phòng', 'Phòng Nội vụ')));
    expect(layout).toContainEqual(expect.stringMatching(row('7', 'Đặng Văn Sơn', 'Phó Trưởng phòng', 'Phòng Tài chính - Kế hoạch')));
    expect(layout).toContainEqual(expect.stringMatching(row('3', 'Đặng Hữu Hạnh', 'Phó Chủ tịch UBND', 'UBND xã Bàu Đồn')));
    const pageThree = textLines(pages[2]!);
    expect(pageThree[0]).toBe('2');
    expect(collapse(pages[2]!)).toMatch(/^2 STT Họ và tên Chức vụ Đơn vị/u);
    const names = invitation.appendix!.groups.flatMap((group) => group.invitees.map((person) => person.name));
    const all = collapse(pages.slice(1).join(' '));
    for (const name of names) expect(all).toContain(name);
  });

  it('is NFC throughout', () => {
    const text = pages.join('\f');
    expect(text).toBe(text.normalize('NFC'));
    expect(text).toMatch(/Ủy ban nhân dân huyện Gò Dầu trân trọng kính mời/u);
  });
});

describe('công văn', async () => {
  const pdf = await render(official);
  const text = await pdfToText(pdf);

  it('gives back Số, V/v, Kính gửi, the paragraphs and the signature', () => {
    const lines = textLines(text);
    for (const expected of ['Số: 05/UBND-VP', 'Gò Dầu, ngày 15 tháng 01 năm 2023', 'Nơi nhận:', '- Lưu: VT, VP.', 'KT. CHỦ TỊCH', 'Nguyễn Văn Minh']) {
      expect(lines, expected).toContain(expected);
    }
    const flat = collapse(text);
    expect(flat).toContain('V/v triệu tập cán bộ, công chức tham dự lớp tập huấn cải cách hành chính năm 2023');
    expect(flat).toContain('Kính gửi: - Thủ trưởng các cơ quan chuyên môn thuộc UBND huyện; - Chủ tịch UBND các xã, thị trấn.');
    for (const paragraph of officialParagraphs(official).map(plain)) expect(flat).toContain(paragraph);
    expect(flat).toContain('và đúng thời gian./.');
    expect(flat).not.toContain('GIẤY MỜI');
  });

  it('numbers a two-page letter from page 2 only', async () => {
    const long = await render(longLetter(12));
    const pages = await pdfPagesText(long);
    expect(pages.length).toBe(2);
    expect(textLines(pages[0]!)[0]).toBe('ỦY BAN NHÂN DÂN');
    expect(textLines(pages[0]!)).not.toContain('1');
    expect(textLines(pages[1]!)[0]).toBe('2');
    expect(collapse(pages[1]!)).toContain('Nguyễn Văn Minh');
  });
});

describe('normalization', () => {
  it('draws NFD input exactly as its NFC form: pdftotext gives the same NFC text', async () => {
    const decomposed = toNfd(invitation);
    expect(decomposed.issuerName).not.toBe(invitation.issuerName);
    const [fromNfd, fromNfc] = await Promise.all([render(decomposed).then((pdf) => pdfToText(pdf)), render(invitation).then((pdf) => pdfToText(pdf))]);
    expect(fromNfd).toBe(fromNfc);
    expect(fromNfd).toBe(fromNfd.normalize('NFC'));
    expect(fromNfd).toContain('Ủy ban nhân dân huyện Gò Dầu trân trọng kính mời');
  });
});

describe('draft (preview)', () => {
  it('prints "Số:      /GM-UBND" with no number and the grey marker', async () => {
    const draft: InvitationLetter = { ...invitation, number: null };
    const text = await pdfToText(await render(draft));
    expect(text).toMatch(/Số:\s+\/GM-UBND/u);
    expect(text).not.toMatch(/Số:\s*\d/u);
    expect(text).toContain('BẢN XEM TRƯỚC');
    expect(collapse(text)).toMatch(/Kèm theo Giấy mời số \/GM-UBND ngày 06 tháng 5 năm 2022/u);
  });
});
