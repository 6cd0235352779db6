import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listPeople } from '../server/db/queries/people.ts';
import { CLI_ACTOR } from '../server/services/audit.ts';
import { createPerson } from '../server/services/people.ts';
import { createUnit } from '../server/services/units.ts';
import { buildApp, type TestApp } from './helpers/build-app.ts';
import { loggedInUser } from './helpers/factories.ts';
import { csrfFrom, type Visitor } from './helpers/http.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface Part {
  name: string;
  value: string | { filename: string; data: Buffer; type?: string };
}

/** A multipart/form-data body built by hand, as a browser sends it. */
function multipart(parts: Part[]): { payload: Buffer; contentType: string } {
  const boundary = `----tap-huan-${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if (typeof part.value === 'string') {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
    } else {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.value.filename}"\r\n` +
            `Content-Type: ${part.value.type ?? 'application/octet-stream'}\r\n\r\n`,
        ),
        part.value.data,
        Buffer.from('\r\n'),
      );
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function xlsxOf(rows: unknown[][], build?: (sheet: ExcelJS.Worksheet, workbook: ExcelJS.Workbook) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Danh sách');
  for (const row of rows) sheet.addRow(row);
  build?.(sheet, workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const csvOf = (lines: string[], { bom = false, eol = '\r\n' } = {}) => Buffer.from(`${bom ? '\uFEFF' : ''}${lines.join(eol)}${eol}`, 'utf8');

/** A ZIP with one deflated entry, for files that are ZIPs but not honest spreadsheets. */
function zipOf(name: string, content: Buffer, declaredSize = content.length): Buffer {
  const packed = deflateRawSync(content);
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(declaredSize, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(packed.length, 20);
  central.writeUInt32LE(declaredSize, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE(0, 42);
  const directoryOffset = local.length + nameBytes.length + packed.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(directoryOffset, 16);
  return Buffer.concat([local, nameBytes, packed, central, nameBytes, end]);
}

describe('importing people from Excel and CSV', () => {
  let t: TestApp;
  let organizer: Visitor;
  let organizerId: number;
  let noiVu: number;
  let buuDon: number;

  beforeEach(async () => {
    t = await buildApp();
    const created = await loggedInUser(t.app, ['organizer']);
    organizer = created.visitor;
    organizerId = created.id;
    noiVu = await createUnit(t.app.db, CLI_ACTOR, { kind: 'office', name: 'Phòng Nội vụ', shortName: 'PNV', sortOrder: '1' });
    buuDon = await createUnit(t.app.db, CLI_ACTOR, { kind: 'commune', name: 'UBND xã Bàu Đồn', shortName: '', sortOrder: '2' });
  });
  afterEach(() => t.close());

  async function upload(visitor: Visitor, data: Buffer, filename: string, extra: Part[] = []): Promise<LightMyRequestResponse> {
    const page = await visitor.get('/people/import');
    const body = multipart([{ name: '_csrf', value: csrfFrom(page.body) }, { name: 'file', value: { filename, data } }, ...extra]);
    return t.app.inject({
      method: 'POST',
      url: '/people/import',
      payload: body.payload,
      headers: { 'content-type': body.contentType, accept: 'text/html', cookie: visitor.cookieHeader },
    });
  }

  /** Uploads a file that must give a preview; returns the preview's address and page. */
  async function preview(data: Buffer, filename: string, visitor = organizer): Promise<{ url: string; html: string }> {
    const response = await upload(visitor, data, filename);
    expect(response.statusCode, response.body).toBe(303);
    const url = response.headers.location as string;
    expect(url).toMatch(/^\/people\/import\/[A-Za-z0-9_-]{22}$/);
    const page = await visitor.get(url);
    expect(page.statusCode).toBe(200);
    return { url, html: page.body };
  }

  async function confirm(url: string, options: { createUnits?: boolean; visitor?: Visitor } = {}): Promise<LightMyRequestResponse> {
    const visitor = options.visitor ?? organizer;
    return visitor.submit(url, `${url}/confirm`, options.createUnits ? { createUnits: '1' } : {});
  }

  async function people() {
    return (await listPeople(t.app.db, { limit: 1000, offset: 0 })).sort((a, b) => a.id - b.id);
  }

  const count = async (table: 'people' | 'units' | 'people_imports') =>
    Number((await t.app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  /** The cells of the preview table row for a file row number, as text. */
  function rowText(html: string, row: number): string {
    const match = new RegExp(`<tr>\\s*<td data-label="Dòng">${row}</td>([\\s\\S]*?)</tr>`).exec(html);
    return match ? match[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() : '';
  }

  it('imports an .xlsx with a title above the header, extra columns, rich text, links and numeric phones', async () => {
    const data = await xlsxOf(
      [
        ['DANH SÁCH ĐẠI BIỂU DỰ TẬP HUẤN'],
        [],
        ['STT', 'Họ và tên', 'Chức vụ', 'Đơn vị', 'Số điện thoại', 'Email', 'Ghi chú'],
        [1, 'Nguyễn Văn Bình', 'Chuyên viên', 'Phòng Nội vụ', 912345678, 'binh@example.com', 'trưởng đoàn'],
        [2, null, 'Phó Chủ tịch', 'UBND xã Bàu Đồn', '0987 654 321', null, ''],
        [3, 'Lê Thị Cúc', '', 'pnv', null, null, ''],
      ],
      (sheet) => {
        sheet.mergeCells('A1:G1');
        sheet.getCell('B5').value = { richText: [{ text: 'Trần ' }, { text: 'Thị Dung', font: { bold: true } }] };
        sheet.getCell('F5').value = { text: 'dung@example.com', hyperlink: 'mailto:dung@example.com' };
        sheet.getCell('E6').value = 987111222;
        sheet.getCell('E6').numFmt = '0000000000';
      },
    );
    const { url, html } = await preview(data, 'danh-sach.xlsx');
    expect(html).toContain('danh-sach.xlsx');
    expect(html).toContain('Chưa có gì được ghi');
    expect(rowText(html, 4)).toContain('Nguyễn Văn Bình');
    expect(rowText(html, 4)).toContain('0912345678');
    expect(rowText(html, 5)).toContain('Trần Thị Dung');
    expect(rowText(html, 6)).toContain('Phòng Nội vụ');
    expect(await count('people')).toBe(0);

    const done = await confirm(url);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/people/import');
    expect((await organizer.get('/people/import')).body).toContain('Đã nhập 3 người.');
    const rows = await people();
    expect(rows.map((p) => [p.full_name, p.position, p.unit_id, p.phone, p.email])).toEqual([
      ['Nguyễn Văn Bình', 'Chuyên viên', noiVu, '0912345678', 'binh@example.com'],
      ['Trần Thị Dung', 'Phó Chủ tịch', buuDon, '0987 654 321', 'dung@example.com'],
      ['Lê Thị Cúc', '', noiVu, '0987111222', ''],
    ]);
    expect(rows[1]!.phone_digits).toBe('0987654321');
    // Found by the diacritic-free search like any person added by hand.
    const tokens = await t.app.db.selectFrom('person_name_tokens').select('token').where('person_id', '=', rows[0]!.id).execute();
    expect(tokens.map((r) => r.token).sort()).toEqual(['binh', 'nguyen', 'van']);
    const audit = await t.app.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'person').execute();
    expect(audit.map((a) => a.action)).toEqual(['person.import']);
    expect(JSON.parse(audit[0]!.after_json!)).toMatchObject({ filename: 'danh-sach.xlsx', imported: 3, unitsCreated: 0 });
    expect(audit[0]!.user_id).toBe(organizerId);
    expect(await count('people_imports')).toBe(0);
  });

  it('imports CSV with BOM and semicolons, with Excel\'s sep= line, as UTF-16 with tabs, and without BOM with commas and quotes', async () => {
    const semicolons = csvOf(['Họ và tên;Chức vụ;Đơn vị;Số điện thoại;Email', 'Phạm Văn Em;Trưởng phòng;Phòng Nội vụ;0911000111;', '"Võ Thị Phượng";"Công chức; địa chính";UBND xã Bàu Đồn;;vtp@example.com'], { bom: true });
    const first = await preview(semicolons, 'ds.csv');
    expect(rowText(first.html, 3)).toContain('Công chức; địa chính');
    expect((await confirm(first.url)).statusCode).toBe(303);

    const declared = csvOf(['sep=;', 'Họ và tên;Đơn vị', 'Lê Văn Tám;Phòng Nội vụ', ';Phòng Nội vụ']);
    const third = await preview(declared, 'sep.csv');
    expect(rowText(third.html, 3)).toContain('Nhập họ và tên.');
    await organizer.submit(third.url, `${third.url}/cancel`, {});

    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Họ và tên\tĐơn vị\r\nLê Văn Tám\tPhòng Nội vụ\r\n', 'utf16le')]);
    const fourth = await preview(utf16, 'unicode.txt');
    expect(rowText(fourth.html, 2)).toContain('Lê Văn Tám');
    await organizer.submit(fourth.url, `${fourth.url}/cancel`, {});

    const commas = csvOf(['Họ và tên,Đơn vị,Chức vụ', '"Đặng Gia, Huy",Phòng Nội vụ,"Chuyên viên ""chính"""', 'Hồ Thị Lan,UBND xã Bàu Đồn,'], { eol: '\n' });
    const second = await preview(commas, 'ds2.csv');
    expect((await confirm(second.url)).statusCode).toBe(303);
    expect((await people()).map((p) => [p.full_name, p.position, p.unit_id, p.phone, p.email])).toEqual([
      ['Phạm Văn Em', 'Trưởng phòng', noiVu, '0911000111', ''],
      ['Võ Thị Phượng', 'Công chức; địa chính', buuDon, '', 'vtp@example.com'],
      ['Đặng Gia, Huy', 'Chuyên viên "chính"', noiVu, '', ''],
      ['Hồ Thị Lan', '', buuDon, '', ''],
    ]);
  });

  it('stores decomposed (NFD) Vietnamese as NFC, trims cells, and matches units whatever their accents', async () => {
    const nfd = (s: string) => s.normalize('NFD');
    const data = csvOf([nfd('Họ và tên,Đơn vị,Chức vụ'), `  ${nfd('Nguyễn   Thị Ánh')}  ,${nfd('phong noi vu')},  ${nfd('Chuyên viên')} `]);
    expect(data.toString('utf8')).not.toContain('Ánh');
    const { url } = await preview(data, 'nfd.csv');
    expect((await confirm(url)).statusCode).toBe(303);
    const [person] = await people();
    expect(person!.full_name).toBe('Nguyễn Thị Ánh');
    expect(person!.full_name).toBe(person!.full_name.normalize('NFC'));
    expect(person!.position).toBe('Chuyên viên');
    expect(person!.unit_id).toBe(noiVu);
    expect(await count('units')).toBe(2);
  });

  it('finds headers in odd case, accents and spacing among extra columns, on the first sheet that has them', async () => {
    const data = await xlsxOf([], (_sheet, workbook) => {
      const sheet = workbook.getWorksheet('Danh sách')!;
      sheet.addRow(['Ghi chú chung']);
      const real = workbook.addWorksheet('Đại biểu');
      real.addRow(['stt', '  HỌ VÀ   TÊN (*)', 'ngày sinh', 'don vi cong tac', 'SĐT', 'E-mail', 'chức VỤ']);
      real.addRow([1, 'Bùi Quang Khải', '01/01/1980', 'Phòng Nội vụ', '0933444555', 'KHAI@Example.com', 'Chuyên viên']);
    });
    const { url, html } = await preview(data, 'hoa-thuong.xlsx');
    expect(html).toContain('trang “Đại biểu”');
    expect((await confirm(url)).statusCode).toBe(303);
    const [person] = await people();
    expect(person).toMatchObject({ full_name: 'Bùi Quang Khải', unit_id: noiVu, phone: '0933444555', email: 'khai@example.com', position: 'Chuyên viên' });
  });

  it('refuses a file without the required columns with a message naming them, writing nothing', async () => {
    const missingUnit = await upload(organizer, csvOf(['Họ và tên,Chức vụ,Nơi ở', 'Ngô Văn Long,Chuyên viên,Gò Dầu']), 'thieu.csv');
    expect(missingUnit.statusCode).toBe(422);
    expect(missingUnit.body).toContain('Thiếu cột bắt buộc “Đơn vị”');
    expect(missingUnit.body).toContain('dòng 1');
    const noHeader = await upload(organizer, csvOf(['Tên,Nơi làm việc', 'Ngô Văn Long,Phòng Nội vụ']), 'sai.csv');
    expect(noHeader.statusCode).toBe(422);
    expect(noHeader.body).toContain('Không tìm thấy dòng tiêu đề');
    expect(noHeader.body).toContain('Tải tệp mẫu');
    expect(await count('people')).toBe(0);
    expect(await count('people_imports')).toBe(0);
  });

  it('answers broken, foreign and empty files with a clear 4xx message, never a 500, writing nothing', async () => {
    const good = await xlsxOf([['Họ và tên', 'Đơn vị'], ['Mai Văn Nam', 'Phòng Nội vụ']]);
    const bomb = zipOf('xl/worksheets/sheet1.xml', Buffer.alloc(60 * 1024 * 1024));
    const lyingBomb = zipOf('xl/workbook.xml', Buffer.alloc(60 * 1024 * 1024), 1000);
    const cases: [Buffer, string, number, string][] = [
      [randomBytes(4096), 'ngau-nhien.xlsx', 422, 'Không đọc được tệp'],
      [good.subarray(0, Math.floor(good.length / 2)), 'cat-ngang.xlsx', 422, 'Tệp Excel bị hỏng hoặc không đầy đủ'],
      [good.subarray(0, good.length - 10), 'thieu-cuoi.xlsx', 422, 'Tệp Excel bị hỏng hoặc không đầy đủ'],
      [Buffer.concat([Buffer.from('PK\x03\x04'), randomBytes(2000)]), 'gia.xlsx', 422, 'Tệp Excel bị hỏng'],
      [zipOf('word/document.xml', Buffer.from('<w/>')), 'van-ban.docx', 422, 'không phải bảng tính Excel'],
      [bomb, 'bom.xlsx', 422, 'quá lớn khi giải nén'],
      [lyingBomb, 'bom2.xlsx', 422, 'quá lớn khi giải nén'],
      [Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]), 'cu.xls', 422, 'Excel 97–2003 (.xls)'],
      [Buffer.from('%PDF-1.7\n'), 'a.pdf', 422, 'tệp PDF'],
      [Buffer.from('Họ và tên,Đơn vị\r\nTrần Văn Ơn,Phòng Nội vụ\r\n', 'latin1'), 'ansi.csv', 422, 'CSV UTF-8'],
      [Buffer.from('"Họ và tên,Đơn vị\nA,B\n'), 'ngoac.csv', 422, 'dấu ngoặc kép'],
      [Buffer.alloc(0), 'rong.csv', 422, 'trống (0 byte)'],
      [Buffer.from('\uFEFF\r\n\r\n'), 'chi-bom.csv', 422, 'Tệp không có dữ liệu'],
      [await xlsxOf([]), 'rong.xlsx', 422, 'Tệp không có dữ liệu'],
      [csvOf(['Họ và tên;Đơn vị;Email', ';;']), 'chi-tieu-de.csv', 422, 'chỉ có dòng tiêu đề'],
    ];
    for (const [data, filename, status, message] of cases) {
      const response = await upload(organizer, data, filename);
      expect(response.statusCode, filename).toBe(status);
      expect(response.headers['content-type'], filename).toContain('text/html');
      expect(response.body, filename).toContain(message);
      expect(response.body, filename).toContain('enctype="multipart/form-data"');
    }
    expect(await count('people')).toBe(0);
    expect(await count('units')).toBe(2);
    expect(await count('people_imports')).toBe(0);
  });

  it('refuses uploads without a file, with a wrong field, too large, or malformed, with 4xx messages', async () => {
    const page = await organizer.get('/people/import');
    const send = (body: { payload: Buffer; contentType: string }) =>
      t.app.inject({ method: 'POST', url: '/people/import', payload: body.payload, headers: { 'content-type': body.contentType, accept: 'text/html', cookie: organizer.cookieHeader } });
    const csrf = { name: '_csrf', value: csrfFrom(page.body) };

    const noFile = await send(multipart([csrf, { name: 'file', value: { filename: '', data: Buffer.alloc(0) } }]));
    expect(noFile.statusCode).toBe(422);
    expect(noFile.body).toContain('Chưa chọn tệp');

    const wrongField = await send(multipart([csrf, { name: 'tep', value: { filename: 'a.csv', data: csvOf(['Họ và tên,Đơn vị']) } }]));
    expect(wrongField.statusCode).toBe(400);
    expect(wrongField.body).toContain('chỉ gửi một tệp danh sách');

    const justOver = await send(multipart([csrf, { name: 'file', value: { filename: 'lon.csv', data: Buffer.alloc(5 * 1024 * 1024 + 10, 0x41) } }]));
    expect(justOver.statusCode).toBe(413);
    expect(justOver.body).toContain('Tệp quá lớn: tối đa 5 MB');

    const farOver = await send(multipart([csrf, { name: 'file', value: { filename: 'rat-lon.csv', data: Buffer.alloc(8 * 1024 * 1024, 0x41) } }]));
    expect(farOver.statusCode).toBe(413);
    expect(farOver.body).toContain('Tệp quá lớn: tối đa 5 MB');

    const garbled = await t.app.inject({
      method: 'POST',
      url: '/people/import',
      payload: 'khong phai multipart',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz', accept: 'text/html', cookie: organizer.cookieHeader },
    });
    expect(garbled.statusCode).toBe(400);
    expect(garbled.body).toContain('Dữ liệu tải lên bị hỏng');

    const noToken = await send(multipart([{ name: 'file', value: { filename: 'a.csv', data: csvOf(['Họ và tên,Đơn vị', 'A B,Phòng Nội vụ']) } }]));
    expect(noToken.statusCode).toBe(403);
    expect(await count('people_imports')).toBe(0);
  });

  it('refuses more than 10,000 people in one file', async () => {
    const lines = ['Họ và tên,Đơn vị'];
    for (let i = 0; i <= 10_000; i++) lines.push(`Người số ${i},Phòng Nội vụ`);
    const response = await upload(organizer, csvOf(lines), 'nhieu.csv');
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('hơn 10.000 dòng');
  });

  it('lists per-row errors with their row numbers and imports only the valid rows', async () => {
    const data = csvOf([
      'Họ và tên,Chức vụ,Đơn vị,Số điện thoại,Email',
      'Đỗ Văn Phúc,Chuyên viên,Phòng Nội vụ,0912000001,',
      ',Chuyên viên,Phòng Nội vụ,,',
      'Lý Thị Quyên,,Phòng Nội vụ,12345,',
      'Tạ Văn Sang,,Phòng Nội vụ,,khong-phai-email',
      'Cao Thị Tâm,,,,',
      '',
      '12345,,Phòng Nội vụ,,',
      '<b>Kim</b> Văn Ứng,,Phòng Nội vụ,,',
    ]);
    const { url, html } = await preview(data, 'loi.csv');
    expect(rowText(html, 3)).toContain('Nhập họ và tên.');
    expect(rowText(html, 4)).toContain('Số điện thoại không hợp lệ');
    expect(rowText(html, 5)).toContain('Địa chỉ thư điện tử không hợp lệ.');
    expect(rowText(html, 6)).toContain('Thiếu đơn vị.');
    expect(rowText(html, 8)).toContain('Họ và tên phải có chữ cái.');
    for (const row of [3, 4, 5, 6, 8]) expect(rowText(html, row), `row ${row}`).toContain('Lỗi, không nhập');
    expect(html).not.toContain('<b>Kim</b>');
    expect(html).toContain('&lt;b&gt;Kim&lt;/b&gt; Văn Ứng');
    expect(html).toMatch(/<strong>2<\/strong><span>dòng sẽ nhập/);
    expect(html).toMatch(/<strong>5<\/strong><span>dòng lỗi/);

    await confirm(url);
    expect((await people()).map((p) => p.full_name)).toEqual(['Đỗ Văn Phúc', '<b>Kim</b> Văn Ứng']);
    expect((await organizer.get('/people/import')).body).toContain('Đã nhập 2 người. Bỏ qua 5 dòng lỗi.');
  });

  it('flags duplicates by name and unit and by phone, inside the file and against the list, and skips them', async () => {
    await createPerson(t.app.db, CLI_ACTOR, { fullName: 'Nguyễn Văn Xuân', position: '', unitId: String(noiVu), phone: '0912 111 222', email: '', notes: '' });
    await createPerson(t.app.db, CLI_ACTOR, { fullName: 'Phan Thị Yến', position: '', unitId: String(buuDon), phone: '0912333444', email: '', notes: '' });
    const data = csvOf([
      'Họ và tên,Đơn vị,Số điện thoại',
      'NGUYEN VAN XUAN,Phòng Nội vụ,',
      'Trịnh Văn An,UBND xã Bàu Đồn,+84 912 333 444',
      'Lâm Văn Bảo,Phòng Nội vụ,0977000001',
      'Lâm  Văn Bảo,phòng nội vụ,0977000002',
      'Hà Thị Chi,UBND xã Bàu Đồn,0977000001',
      'Nguyễn Văn Xuân,UBND xã Bàu Đồn,',
    ]);
    const { url, html } = await preview(data, 'trung.csv');
    expect(rowText(html, 2)).toContain('Đã có trong danh sách: Nguyễn Văn Xuân (Phòng Nội vụ).');
    expect(rowText(html, 3)).toContain('Số điện thoại đã có trong danh sách: Phan Thị Yến (UBND xã Bàu Đồn).');
    expect(rowText(html, 5)).toContain('Trùng họ tên và đơn vị với dòng 4.');
    expect(rowText(html, 6)).toContain('Trùng số điện thoại với dòng 4.');
    for (const row of [2, 3, 5, 6]) expect(rowText(html, row), `row ${row}`).toContain('Trùng, bỏ qua');
    expect(html).toMatch(/<strong>4<\/strong><span>dòng trùng/);

    await confirm(url);
    const names = (await people()).map((p) => `${p.full_name} @ ${p.unit_name}`);
    expect(names).toEqual([
      'Nguyễn Văn Xuân @ Phòng Nội vụ',
      'Phan Thị Yến @ UBND xã Bàu Đồn',
      'Lâm Văn Bảo @ Phòng Nội vụ',
      'Nguyễn Văn Xuân @ UBND xã Bàu Đồn',
    ]);
    expect((await organizer.get('/people/import')).body).toContain('Đã nhập 2 người. Bỏ qua 4 dòng trùng.');
  });

  it('checks duplicates again on confirmation, against people added after the preview', async () => {
    const { url } = await preview(csvOf(['Họ và tên,Đơn vị', 'Quách Văn Đạt,Phòng Nội vụ', 'Vương Thị Én,Phòng Nội vụ']), 'sau.csv');
    await createPerson(t.app.db, CLI_ACTOR, { fullName: 'Quách Văn Đạt', position: '', unitId: String(noiVu), phone: '', email: '', notes: '' });
    await confirm(url);
    expect((await people()).map((p) => p.full_name)).toEqual(['Quách Văn Đạt', 'Vương Thị Én']);
    expect((await organizer.get('/people/import')).body).toContain('Đã nhập 1 người. Bỏ qua 1 dòng trùng.');
  });

  it('creates missing units only when the organizer ticks the confirmation', async () => {
    const data = csvOf([
      'Họ và tên,Đơn vị',
      'Châu Văn Giang,UBND xã Phước Đông',
      'Tôn Thị Hà,Phòng Tư pháp',
      'Mạc Văn Ích,Hội Nông dân',
      'Âu Thị Kiều,Phòng Nội vụ',
      'Ông Văn Lộc,ubnd xa phuoc dong',
    ]);
    const first = await preview(data, 'don-vi-moi.csv');
    expect(first.html).toContain('Đơn vị chưa có trong danh mục (3)');
    expect(first.html).toContain('UBND xã, phường, thị trấn');
    expect(first.html).toContain('name="createUnits"');
    expect(rowText(first.html, 2)).toContain('đơn vị mới');
    expect(rowText(first.html, 6)).toContain('UBND xã Phước Đông');

    await confirm(first.url);
    expect(await count('units')).toBe(2);
    expect((await people()).map((p) => p.full_name)).toEqual(['Âu Thị Kiều']);
    expect((await organizer.get('/people/import')).body).toContain('Bỏ qua 4 dòng thuộc đơn vị chưa có (không chọn tạo đơn vị mới)');

    const second = await preview(data, 'don-vi-moi.csv');
    expect(second.html).toContain('Đã có trong danh sách: Âu Thị Kiều');
    await confirm(second.url, { createUnits: true });
    const units = await t.app.db.selectFrom('units').select(['name', 'kind']).orderBy('id').execute();
    expect(units).toEqual([
      { name: 'Phòng Nội vụ', kind: 'office' },
      { name: 'UBND xã Bàu Đồn', kind: 'commune' },
      { name: 'UBND xã Phước Đông', kind: 'commune' },
      { name: 'Phòng Tư pháp', kind: 'office' },
      { name: 'Hội Nông dân', kind: 'other' },
    ]);
    expect((await people()).map((p) => `${p.full_name} @ ${p.unit_name}`)).toEqual([
      'Âu Thị Kiều @ Phòng Nội vụ',
      'Châu Văn Giang @ UBND xã Phước Đông',
      'Tôn Thị Hà @ Phòng Tư pháp',
      'Mạc Văn Ích @ Hội Nông dân',
      'Ông Văn Lộc @ UBND xã Phước Đông',
    ]);
    expect((await organizer.get('/people/import')).body).toContain('Đã nhập 4 người, tạo 3 đơn vị mới. Bỏ qua 1 dòng trùng.');
  });

  it('writes nothing on cancel, and the cancelled preview cannot be confirmed', async () => {
    const { url } = await preview(csvOf(['Họ và tên,Đơn vị', 'Hoàng Văn Minh,Sở Mới']), 'huy.csv');
    const cancelled = await organizer.submit(url, `${url}/cancel`, {});
    expect(cancelled.statusCode).toBe(303);
    expect((await organizer.get('/people/import')).body).toContain('Đã hủy bản xem trước');
    expect(await count('people_imports')).toBe(0);
    const gone = await organizer.get(url);
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toContain('Không còn bản xem trước này');
    const page = await organizer.get('/people/import');
    const late = await organizer.post(`${url}/confirm`, { _csrf: csrfFrom(page.body), createUnits: '1' });
    expect(late.statusCode).toBe(404);
    expect(await count('people')).toBe(0);
    expect(await count('units')).toBe(2);
  });

  it('uses a preview once: a second confirmation imports nothing more', async () => {
    const { url } = await preview(csvOf(['Họ và tên,Đơn vị', 'Kha Văn Nghĩa,Phòng Nội vụ']), 'mot-lan.csv');
    const page = await organizer.get(url);
    const token = csrfFrom(page.body);
    expect((await organizer.post(`${url}/confirm`, { _csrf: token })).statusCode).toBe(303);
    const again = await organizer.post(`${url}/confirm`, { _csrf: token });
    expect(again.statusCode).toBe(404);
    expect(await count('people')).toBe(1);
  });

  it('lets only the uploader see, confirm or cancel a preview', async () => {
    const { url } = await preview(csvOf(['Họ và tên,Đơn vị', 'Thái Văn Oanh,Phòng Nội vụ']), 'rieng.csv');
    const other = (await loggedInUser(t.app, ['organizer'])).visitor;
    expect((await other.get(url)).statusCode).toBe(403);
    const page = await other.get('/people/import');
    const confirmAttempt = await other.post(`${url}/confirm`, { _csrf: csrfFrom(page.body), createUnits: '1' });
    expect(confirmAttempt.statusCode).toBe(403);
    expect(confirmAttempt.body).toContain('do người khác tải lên');
    expect((await other.post(`${url}/cancel`, { _csrf: csrfFrom(page.body) })).statusCode).toBe(403);
    expect(await count('people')).toBe(0);
    expect(await count('people_imports')).toBe(1);
    expect((await confirm(url)).statusCode).toBe(303);
    expect(await count('people')).toBe(1);
  });

  it('says an expired preview has expired, imports nothing from it, and sweeps it away', async () => {
    const { url } = await preview(csvOf(['Họ và tên,Đơn vị', 'Lục Văn Phát,Phòng Nội vụ']), 'cu.csv');
    await t.app.db.updateTable('people_imports').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).execute();
    const page = await organizer.get(url);
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('Bản xem trước đã hết hạn');
    const form = await organizer.get('/people/import');
    const late = await organizer.post(`${url}/confirm`, { _csrf: csrfFrom(form.body) });
    expect(late.statusCode).toBe(410);
    expect(await count('people')).toBe(0);
    await preview(csvOf(['Họ và tên,Đơn vị', 'Lục Văn Phát,Phòng Nội vụ']), 'moi.csv');
    expect(await count('people_imports')).toBe(1);
  });

  it('answers an unknown or malformed preview address with 404', async () => {
    for (const url of ['/people/import/AAAAAAAAAAAAAAAAAAAAAA', '/people/import/khong-hop-le']) {
      const response = await organizer.get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.body).toContain('enctype="multipart/form-data"');
    }
  });

  it('keeps reporters, check-in staff and visitors out', async () => {
    const { url } = await preview(csvOf(['Họ và tên,Đơn vị', 'Nông Văn Quý,Phòng Nội vụ']), 'quyen.csv');
    for (const role of ['reporter', 'checkin'] as const) {
      const { visitor } = await loggedInUser(t.app, [role]);
      expect((await visitor.get('/people/import')).statusCode, role).toBe(403);
      expect((await visitor.get('/people/import/template.xlsx')).statusCode, role).toBe(403);
      expect((await visitor.get(url)).statusCode, role).toBe(403);
      const csrf = csrfFrom((await visitor.get('/account/password')).body);
      const body = multipart([{ name: '_csrf', value: csrf }, { name: 'file', value: { filename: 'a.csv', data: csvOf(['Họ và tên,Đơn vị', 'A B,Phòng Nội vụ']) } }]);
      const posted = await t.app.inject({ method: 'POST', url: '/people/import', payload: body.payload, headers: { 'content-type': body.contentType, accept: 'text/html', cookie: visitor.cookieHeader } });
      expect(posted.statusCode, role).toBe(403);
      expect((await visitor.post(`${url}/confirm`, { _csrf: csrf })).statusCode, role).toBe(403);
    }
    const anonymous = await t.app.inject({ method: 'GET', url: '/people/import', headers: { accept: 'text/html' } });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toContain('/login');
    expect(await count('people')).toBe(0);
    expect(await count('people_imports')).toBe(1);
  });

  it('offers a template that downloads as an attachment and imports cleanly', async () => {
    const page = await organizer.get('/people/import');
    expect(page.body).toContain('href="/people/import/template.xlsx"');
    const response = await t.app.inject({ method: 'GET', url: '/people/import/template.xlsx', headers: { cookie: organizer.cookieHeader } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(XLSX_TYPE);
    expect(response.headers['content-disposition']).toBe('attachment; filename="mau-danh-sach-dai-bieu.xlsx"');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    const template = response.rawPayload;

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(template as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Danh sách', 'Hướng dẫn']);
    const sheet = workbook.getWorksheet('Danh sách')!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'Họ và tên', 'Chức vụ', 'Đơn vị', 'Số điện thoại', 'Email']);
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.getColumn(1).width).toBeGreaterThan(20);

    const { url, html } = await preview(template, 'mau-danh-sach-dai-bieu.xlsx');
    expect(html).toMatch(/<strong>2<\/strong><span>dòng sẽ nhập/);
    await confirm(url, { createUnits: true });
    expect((await people()).map((p) => [p.full_name, p.unit_name, p.phone])).toEqual([
      ['Nguyễn Văn An', 'Phòng Nội vụ', '0912345678'],
      ['Trần Thị Bích Ngọc', 'UBND xã Phước Đông', '0987654321'],
    ]);
  });
});
