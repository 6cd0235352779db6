import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRolesByUserId, findUserByUsername } from '../server/db/queries/users.ts';
import { getAgencyProfile } from '../server/services/agency.ts';
import { isSetupNeeded, issueSetupToken } from '../server/services/setup.ts';
import { buildApp, type TestApp } from './helpers/build-app.ts';
import { Visitor, csrfFrom } from './helpers/http.ts';

const form = {
  fullName: 'Trần Minh Quân',
  username: 'QuanTri',
  password: 'mat-khau-rat-dai',
  confirmPassword: 'mat-khau-rat-dai',
  parentName: 'UBND TỈNH TÂY NINH',
  nameLines: 'ỦY BAN NHÂN DÂN\r\nHUYỆN GÒ DẦU',
  placeName: 'Gò Dầu',
  symbol: 'ubnd',
  signerAuthorityLines: 'KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH',
  signerName: 'Nguyễn Văn Minh',
  address: '',
  phone: '',
  email: '',
  website: '',
};

describe('first run', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildApp();
  });
  afterEach(() => t.close());

  it('shows a setup notice at / and leads to the setup page only with the printed token', async () => {
    const token = await issueSetupToken(t.app.db);
    const visitor = new Visitor(t.app);
    const home = await visitor.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Hệ thống chưa được cài đặt');
    expect(home.body).not.toContain('name="password"');

    expect((await visitor.get('/?token=wrong')).body).toContain('Hệ thống chưa được cài đặt');
    const withToken = await visitor.get(`/?token=${token}`);
    expect(withToken.statusCode).toBe(303);
    expect(withToken.headers.location).toBe(`/setup?token=${token}`);

    const forged = await visitor.get('/setup?token=forged');
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('Liên kết cài đặt không hợp lệ');
    expect((await visitor.get('/setup')).statusCode).toBe(403);
  });

  it('creates the first admin and the agency profile, logs in, and closes setup for good', async () => {
    const token = await issueSetupToken(t.app.db);
    const visitor = new Visitor(t.app);
    const done = await visitor.submit(`/setup?token=${token}`, '/setup', { ...form, token });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/');

    const user = await findUserByUsername(t.app.db, 'quantri');
    expect(user?.full_name).toBe('Trần Minh Quân');
    expect(await findRolesByUserId(t.app.db, user!.id)).toEqual(['admin', 'organizer']);
    expect(await getAgencyProfile(t.app.db)).toMatchObject({
      nameLines: ['ỦY BAN NHÂN DÂN', 'HUYỆN GÒ DẦU'],
      symbol: 'UBND',
      signerAuthorityLines: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'],
      placeName: 'Gò Dầu',
    });

    const dashboard = await visitor.get('/');
    expect(dashboard.statusCode).toBe(200);
    expect(dashboard.body).toContain('Xin chào, Trần Minh Quân');
    expect(dashboard.body).toContain('Đã cài đặt xong');

    expect(await isSetupNeeded(t.app.db)).toBe(false);
    const again = await visitor.get(`/setup?token=${token}`);
    expect(again.statusCode).toBe(303);
    const replay = await new Visitor(t.app).post('/setup', { ...form, username: 'khac', token, _csrf: 'x' });
    expect(replay.statusCode).toBe(403);
    expect(await findUserByUsername(t.app.db, 'khac')).toBeUndefined();
  });

  it('re-renders the form with 422 and a message beside each wrong field, writing nothing', async () => {
    const token = await issueSetupToken(t.app.db);
    const visitor = new Visitor(t.app);
    const page = await visitor.get(`/setup?token=${token}`);
    const response = await visitor.post('/setup', {
      ...form,
      token,
      _csrf: csrfFrom(page.body),
      username: 'x',
      confirmPassword: 'khac-han',
      placeName: '',
      symbol: 'ủy ban <b>',
      website: 'javascript:alert(1)',
    });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('Tên đăng nhập gồm 3–32 ký tự');
    expect(response.body).toContain('Mật khẩu nhập lại không khớp');
    expect(response.body).toContain('Nhập địa danh');
    expect(response.body).toContain('Chữ viết tắt gồm chữ in hoa');
    expect(response.body).toContain('phải bắt đầu bằng http:// hoặc https://');
    expect(response.body).toContain('value="Trần Minh Quân"');
    expect(response.body).toContain('ủy ban &lt;b&gt;');
    expect(response.body).not.toContain('mat-khau-rat-dai');
    expect(await isSetupNeeded(t.app.db)).toBe(true);
    expect(await getAgencyProfile(t.app.db)).toBeUndefined();
  });

  it('answers a malformed setup post with 4xx, never 500', async () => {
    const token = await issueSetupToken(t.app.db);
    const visitor = new Visitor(t.app);
    const page = await visitor.get(`/setup?token=${token}`);
    const csrf = csrfFrom(page.body);
    const missing = await visitor.post('/setup', { _csrf: csrf, token });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('Vui lòng nhập ô này');
    const arrays = await visitor.post('/setup', { ...form, _csrf: csrf, token, username: ['a', 'b'] });
    expect(arrays.statusCode).toBe(422);
    const huge = await visitor.post('/setup', { ...form, _csrf: csrf, token, nameLines: 'Đ'.repeat(600) });
    expect(huge.statusCode).toBe(422);
    expect(await isSetupNeeded(t.app.db)).toBe(true);
  });
});

describe('first run with the demo programme', () => {
  it('loads the 2022 Gò Dầu plan with its real units when asked', async () => {
    const t = await buildApp();
    try {
      const token = await issueSetupToken(t.app.db);
      const visitor = new Visitor(t.app);
      const done = await visitor.submit(`/setup?token=${token}`, '/setup', { ...form, token, loadDemo: '1' });
      expect(done.statusCode).toBe(303);
      const units = await t.app.db.selectFrom('units').select('name').execute();
      expect(units).toHaveLength(21);
      expect(units.map((u) => u.name)).toContain('UBND xã Thanh Phước');
      const people = await t.app.db.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(people.n)).toBeGreaterThanOrEqual(55);
      const plans = await visitor.get('/plans');
      expect(plans.body).toContain('Minh họa');
      expect(plans.body).toContain('Tuyên truyền cải cách hành chính');
      const sessions = await t.app.db.selectFrom('sessions').select('id').execute();
      expect(sessions).toHaveLength(3);
    } finally {
      await t.close();
    }
  });
});
