// The decree's ways of writing numbers, dates and times (Nghị định 30/2020, Phụ lục I) and the ASCII file names.
import { describe, expect, it } from 'vitest';
import {
  asciiSlug,
  documentFileName,
  documentSymbol,
  formatDocumentDate,
  formatDocumentNumber,
  formatMonth,
  formatNumberLine,
  formatPlaceDate,
  formatSessionTime,
  formatShortDate,
  formatTime,
  formatTypedCode,
  formatWeekday,
  nfc,
  romanNumeral,
  toVnDate,
} from '../../server/documents/nd30/index.ts';

describe('document numbers', () => {
  it.each([
    [1, '01'],
    [5, '05'],
    [9, '09'],
    [10, '10'],
    [12, '12'],
    [99, '99'],
    [100, '100'],
    [1183, '1183'],
  ])('%i → %s', (n, text) => {
    expect(formatDocumentNumber(n)).toBe(text);
  });

  it('refuses what is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => formatDocumentNumber(bad)).toThrow(RangeError);
  });

  it('writes the Số line with the type and agency symbols', () => {
    expect(formatNumberLine(5, documentSymbol('giay-moi', 'UBND'))).toBe('Số: 05/GM-UBND');
    expect(formatNumberLine(12, documentSymbol('giay-moi', 'UBND'))).toBe('Số: 12/GM-UBND');
    expect(formatNumberLine(7, documentSymbol('cong-van', 'UBND', 'VP'))).toBe('Số: 07/UBND-VP');
    expect(formatNumberLine(30, documentSymbol('cong-van', 'UBND'))).toBe('Số: 30/UBND');
  });

  it('leaves the number blank on a draft', () => {
    const line = formatNumberLine(null, 'GM-UBND');
    expect(line).toMatch(/^Số: [\u00a0]{4,}\/GM-UBND$/);
    expect(line).not.toMatch(/\d/);
  });
});

describe('dates', () => {
  it.each([
    ['2022-05-06', 'ngày 06 tháng 5 năm 2022'],
    ['2023-01-15', 'ngày 15 tháng 01 năm 2023'],
    ['2023-02-01', 'ngày 01 tháng 02 năm 2023'],
    ['2023-02-28', 'ngày 28 tháng 02 năm 2023'],
    ['2024-03-09', 'ngày 09 tháng 3 năm 2024'],
    ['2022-09-30', 'ngày 30 tháng 9 năm 2022'],
    ['2022-10-10', 'ngày 10 tháng 10 năm 2022'],
    ['2022-11-11', 'ngày 11 tháng 11 năm 2022'],
    ['2022-12-31', 'ngày 31 tháng 12 năm 2022'],
    ['2024-02-29', 'ngày 29 tháng 02 năm 2024'],
  ])('%s → %s', (date, text) => {
    expect(formatDocumentDate(date)).toBe(text);
  });

  it('pads days 1–9 and no day from 10', () => {
    for (let day = 1; day <= 31; day += 1) {
      const text = formatDocumentDate(`2022-03-${String(day).padStart(2, '0')}`);
      expect(text).toBe(`ngày ${day < 10 ? `0${day}` : day} tháng 3 năm 2022`);
    }
  });

  it('pads months 1 and 2 only', () => {
    expect([...Array(12).keys()].map((i) => formatMonth(i + 1))).toEqual(['01', '02', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
    expect(() => formatMonth(0)).toThrow(RangeError);
    expect(() => formatMonth(13)).toThrow(RangeError);
  });

  it("takes an instant's date in Vietnam, whatever the server's zone", () => {
    // 17:30 UTC on 5 May is 00:30 on 6 May in Vietnam.
    expect(formatDocumentDate('2022-05-05T17:30:00Z')).toBe('ngày 06 tháng 5 năm 2022');
    expect(formatDocumentDate(new Date('2022-12-31T16:59:59Z'))).toBe('ngày 31 tháng 12 năm 2022');
    expect(formatDocumentDate(new Date('2022-12-31T17:00:00Z'))).toBe('ngày 01 tháng 01 năm 2023');
    expect(toVnDate('2022-05-06T23:59:00+07:00')).toEqual({ year: 2022, month: 5, day: 6 });
  });

  it('refuses impossible dates', () => {
    expect(() => formatDocumentDate('2022-02-30')).toThrow(RangeError);
    expect(() => formatDocumentDate('2023-02-29')).toThrow(RangeError);
    expect(() => formatDocumentDate('not a date')).toThrow(RangeError);
  });

  it('writes the place and date line', () => {
    expect(formatPlaceDate('Gò Dầu', '2022-05-06')).toBe('Gò Dầu, ngày 06 tháng 5 năm 2022');
    expect(formatPlaceDate('Phường 3', '2023-01-15')).toBe('Phường 3, ngày 15 tháng 01 năm 2023');
    expect(formatPlaceDate('Go\u0300 Dâ\u0300u', '2022-05-06')).toBe('Gò Dầu, ngày 06 tháng 5 năm 2022');
  });

  it('writes short dates as references do', () => {
    expect(formatShortDate('2022-04-08')).toBe('08/4/2022');
    expect(formatShortDate('2018-04-23')).toBe('23/4/2018');
    expect(formatShortDate('2023-01-05')).toBe('05/01/2023');
  });
});

describe('weekdays and times', () => {
  it.each([
    ['2022-05-08', 'Chủ nhật'],
    ['2022-05-09', 'thứ Hai'],
    ['2022-05-10', 'thứ Ba'],
    ['2022-05-11', 'thứ Tư'],
    ['2022-05-12', 'thứ Năm'],
    ['2022-05-13', 'thứ Sáu'],
    ['2022-05-14', 'thứ Bảy'],
  ])('%s is %s', (date, weekday) => {
    expect(formatWeekday(date)).toBe(weekday);
  });

  it("takes the weekday in Vietnam: Wednesday 20:00 UTC is Thursday there", () => {
    expect(formatWeekday('2022-05-11T20:00:00Z')).toBe('thứ Năm');
  });

  it.each([
    ['2022-05-12T00:30:00Z', '07 giờ 30 phút'],
    ['2022-05-12T07:00:00Z', '14 giờ 00 phút'],
    ['2022-05-11T17:05:00Z', '00 giờ 05 phút'],
    ['7:30', '07 giờ 30 phút'],
    ['13:45', '13 giờ 45 phút'],
  ])('%s → %s', (value, text) => {
    expect(formatTime(value)).toBe(text);
  });

  it('refuses impossible times', () => {
    expect(() => formatTime('24:00')).toThrow(RangeError);
    expect(() => formatTime('07:60')).toThrow(RangeError);
  });

  it('writes a session time with its length and the request to come early', () => {
    expect(formatSessionTime({ start: '2022-05-12T00:30:00Z', end: '2022-05-12T04:00:00Z', length: '01 buổi' })).toBe(
      '01 buổi, từ 07 giờ 30 phút đến 11 giờ 00 phút, thứ Năm, ngày 12 tháng 5 năm 2022 (đề nghị đại biểu có mặt trước 15 phút để điểm danh)',
    );
    expect(formatSessionTime({ start: '2023-01-19T00:30:00Z', arriveEarlyMinutes: 0 })).toBe('bắt đầu lúc 07 giờ 30 phút, thứ Năm, ngày 19 tháng 01 năm 2023');
    expect(formatSessionTime({ start: '2022-05-12T00:30:00Z', end: '2022-05-13T09:00:00Z', length: '02 ngày', arriveEarlyMinutes: 0 })).toBe(
      '02 ngày, từ 07 giờ 30 phút, thứ Năm, ngày 12 tháng 5 năm 2022 đến 16 giờ 00 phút, thứ Sáu, ngày 13 tháng 5 năm 2022',
    );
  });
});

describe('typed codes, numerals and file names', () => {
  it('groups a typed code by three', () => {
    expect(formatTypedCode('K7PM4Q9X')).toBe('K7P-M4Q-9X');
    expect(formatTypedCode('k7p-m4q 9x')).toBe('K7P-M4Q-9X');
    expect(formatTypedCode('ABCDEF')).toBe('ABC-DEF');
    expect(formatTypedCode('ABCDEFGH', 4)).toBe('ABCD-EFGH');
  });

  it('numbers appendix groups in Roman numerals', () => {
    expect([1, 2, 3, 4, 5, 9, 10, 14, 40].map(romanNumeral)).toEqual(['I', 'II', 'III', 'IV', 'V', 'IX', 'X', 'XIV', 'XL']);
  });

  it('names files in ASCII: date, number and symbol, kind', () => {
    expect(documentFileName({ date: '2022-05-06', number: 12, symbol: 'GM-UBND', kind: 'giay-moi' })).toBe('2022-05-06_12-GM-UBND_giay-moi.pdf');
    expect(documentFileName({ date: '2022-05-12', number: 12, symbol: 'GM-UBND', kind: 'diem-danh' })).toBe('2022-05-12_12-GM-UBND_diem-danh.pdf');
    expect(documentFileName({ date: '2023-01-15', number: 5, symbol: 'QĐ-UBND', kind: 'quyết định' })).toBe('2023-01-15_05-QD-UBND_quyet-dinh.pdf');
    expect(documentFileName({ date: '2022-05-05T17:30:00Z', number: 3, symbol: 'UBND-VP', kind: 'cong-van' })).toBe('2022-05-06_03-UBND-VP_cong-van.pdf');
    expect(documentFileName({ date: '2022-05-06', number: null, symbol: 'GM-UBND', kind: 'giay-moi' })).toBe('2022-05-06_GM-UBND_giay-moi_du-thao.pdf');
    const name = documentFileName({ date: '2022-05-06', number: 1, symbol: 'GM-ĐTN/../..', kind: 'Giấy mời cá nhân' }, 'PDF');
    expect(name).toBe('2022-05-06_01-GM-DTN_giay-moi-ca-nhan.pdf');
    expect(name).toMatch(/^[\x21-\x7e]+$/);
  });

  it('slugs Vietnamese to ASCII', () => {
    expect(asciiSlug('Đợt 1: Ủy ban nhân dân huyện Gò Dầu')).toBe('Dot-1-Uy-ban-nhan-dan-huyen-Go-Dau');
    expect(asciiSlug(nfc('Thanh Phước').normalize('NFD'))).toBe('Thanh-Phuoc');
  });
});
