import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getAgencyProfile } from '../server/services/agency.ts';
import { buildApp, type TestApp } from './helpers/build-app.ts';
import { loggedInUser, sampleAgency } from './helpers/factories.ts';
import { csrfFrom, type Visitor } from './helpers/http.ts';

const form = {
  parentName: 'UBND TỈNH TÂY NINH',
  nameLines: 'ỦY BAN NHÂN DÂN\nTHỊ XÃ TRẢNG BÀNG',
  placeName: 'Trảng Bàng',
  symbol: 'UBND',
  signerAuthorityLines: 'TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH',
  signerName: 'Võ Thị Hạnh',
  address: '',
  phone: '0276 3881 111',
  email: 'ubnd@trangbang.example.vn',
  website: 'https://trangbang.tayninh.gov.vn',
};

describe('agency profile and audit log', () => {
  let t: TestApp;
  let admin: Visitor;
  beforeEach(async () => {
    t = await buildApp();
    admin = (await loggedInUser(t.app, ['admin'])).visitor;
  });
  afterEach(() => t.close());

  it('shows the saved profile for editing and saves a change', async () => {
    const page = await admin.get('/admin/agency');
    expect(page.body).toContain('HUYỆN GÒ DẦU');
    const saved = await admin.post('/admin/agency', { ...form, _csrf: csrfFrom(page.body) });
    expect(saved.statusCode).toBe(303);
    expect(await getAgencyProfile(t.app.db)).toMatchObject({
      nameLines: ['ỦY BAN NHÂN DÂN', 'THỊ XÃ TRẢNG BÀNG'],
      signerAuthorityLines: ['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH'],
      placeName: 'Trảng Bàng',
    });
    expect((await admin.get('/admin/agency')).body).toContain('Đã lưu thông tin cơ quan');
  });

  it('stores decomposed (NFD) Vietnamese as NFC', async () => {
    const page = await admin.get('/admin/agency');
    await admin.post('/admin/agency', { ...form, placeName: 'Trảng Bàng'.normalize('NFD'), _csrf: csrfFrom(page.body) });
    expect((await getAgencyProfile(t.app.db))?.placeName).toBe('Trảng Bàng'.normalize('NFC'));
  });

  it('refuses a profile without the fields every letter needs, keeping the old one', async () => {
    const page = await admin.get('/admin/agency');
    const response = await admin.post('/admin/agency', {
      ...form,
      nameLines: ' \n ',
      signerName: '',
      email: 'khong-phai-email',
      _csrf: csrfFrom(page.body),
    });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('Nhập tên cơ quan ban hành');
    expect(response.body).toContain('Nhập họ tên người ký');
    expect(response.body).toContain('Địa chỉ thư điện tử không hợp lệ');
    expect((await getAgencyProfile(t.app.db))?.placeName).toBe(sampleAgency.placeName);
  });

  it('records who changed the profile, with the values before and after, on the admin page', async () => {
    const page = await admin.get('/admin/agency');
    await admin.post('/admin/agency', { ...form, _csrf: csrfFrom(page.body) });
    const audit = await admin.get('/admin/audit?entity=agency');
    expect(audit.statusCode).toBe(200);
    expect(audit.body).toContain('Sửa thông tin cơ quan');
    // Only the changed fields, under the labels the form uses: no JSON, no English keys.
    expect(audit.body).toContain('<dt>Địa danh</dt><dd>Gò Dầu</dd>');
    expect(audit.body).toContain('<dt>Địa danh</dt><dd>Trảng Bàng</dd>');
    expect(audit.body).toContain('<dt>Tên cơ quan ban hành</dt><dd>ỦY BAN NHÂN DÂN / THỊ XÃ TRẢNG BÀNG</dd>');
    expect(audit.body).not.toContain('placeName');
    const row = await t.app.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_type', '=', 'agency')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.username).toMatch(/^user\d+$/);
    expect(row.ip).toBe('127.0.0.1');
    expect(JSON.parse(row.before_json!).placeName).toBe('Gò Dầu');
    expect(JSON.parse(row.after_json!).placeName).toBe('Trảng Bàng');
  });

  it('serializes concurrent requests that each run a transaction: every edit sees the one before it', async () => {
    const page = await admin.get('/admin/agency');
    const csrf = csrfFrom(page.body);
    const names = Array.from({ length: 12 }, (_, i) => `Người ký ${i + 1}`);
    const responses = await Promise.all(names.map((signerName) => admin.post('/admin/agency', { ...form, signerName, _csrf: csrf })));
    expect(responses.map((r) => r.statusCode)).toEqual(names.map(() => 303));
    const rows = await t.app.db
      .selectFrom('audit_log')
      .select(['before_json', 'after_json'])
      .where('action', '=', 'agency.update')
      .orderBy('id')
      .execute();
    const chain = rows.slice(-names.length);
    expect(chain).toHaveLength(names.length);
    // Interleaved transactions would both read the same "before": the chain of before/after would break.
    for (let i = 1; i < chain.length; i++) {
      expect(JSON.parse(chain[i]!.before_json!).signerName).toBe(JSON.parse(chain[i - 1]!.after_json!).signerName);
    }
    expect(new Set(chain.map((r) => JSON.parse(r.after_json!).signerName))).toEqual(new Set(names));
    expect((await getAgencyProfile(t.app.db))?.signerName).toBe(JSON.parse(chain.at(-1)!.after_json!).signerName);
  });

  it('filters and pages the log, and survives odd filters', async () => {
    const all = await admin.get('/admin/audit');
    expect(all.body).toContain('Tạo tài khoản');
    expect(all.body).toContain('Đăng nhập');
    const none = await admin.get('/admin/audit?user=%3Cb%3E&entity=nothing');
    expect(none.statusCode).toBe(200);
    expect(none.body).toContain('Chưa có thao tác nào phù hợp');
    expect(none.body).toContain('value="&lt;b&gt;"');
    expect((await admin.get('/admin/audit?page=abc')).statusCode).toBe(400);
  });
});
