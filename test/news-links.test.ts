import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeNewsUrl } from '../server/services/news-links.ts';
import { buildApp, type TestApp } from './helpers/build-app.ts';
import { loggedInUser } from './helpers/factories.ts';
import { csrfFrom, type Visitor } from './helpers/http.ts';
import { createProgramme, type Programme } from './helpers/materials.ts';

describe('news links (tin bài)', () => {
  let t: TestApp;
  let programme: Programme;
  let organizer: Visitor;

  beforeEach(async () => {
    t = await buildApp();
    programme = await createProgramme(t.app);
    organizer = (await loggedInUser(t.app, ['organizer'])).visitor;
  });
  afterEach(() => t.close());

  const add = async (scope: string, values: Record<string, string>) =>
    organizer.submit(`/news-links/new?scope=${scope}`, '/news-links', { scope, url: '', title: '', outlet: '', publishedOn: '', ...values });

  it('adds a link to a session, lists it on the session, round and plan pages, and audits it', async () => {
    const response = await add(`session:${programme.sessionId}`, {
      url: 'https://godau.tayninh.gov.vn/tin-tuc/tap-huan-cchc-dot-1-2022',
      title: 'Huyện Gò Dầu tập huấn cải cách hành chính năm 2022 <b>đợt 1</b>',
      outlet: 'Cổng thông tin điện tử huyện Gò Dầu',
      publishedOn: '2022-06-16',
    });
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe(`/sessions/${programme.sessionId}`);
    for (const page of [`/sessions/${programme.sessionId}`, `/rounds/${programme.roundId}`, `/plans/${programme.planId}`]) {
      const html = (await organizer.get(page)).body;
      expect(html, page).toContain('href="https://godau.tayninh.gov.vn/tin-tuc/tap-huan-cchc-dot-1-2022" rel="noopener noreferrer"');
      expect(html, page).toContain('Huyện Gò Dầu tập huấn cải cách hành chính năm 2022 &lt;b&gt;đợt 1&lt;/b&gt;');
      expect(html, page).toContain('16/06/2022');
    }
    expect((await organizer.get(`/plans/${programme.planId}`)).body).toMatch(/Đợt 1 — buổi thứ Tư, 15\/06\/2022/);
    const row = await t.app.db.selectFrom('news_links').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ plan_id: programme.planId, round_id: programme.roundId, session_id: programme.sessionId, published_on: '2022-06-16' });
    const audit = await t.app.db.selectFrom('audit_log').select(['entity_type', 'after_json']).where('action', '=', 'news_link.create').executeTakeFirstOrThrow();
    expect(audit.after_json).toContain('tap-huan-cchc-dot-1-2022');
  });

  it('refuses addresses that are not http(s), impossible or future dates, a missing title and a repeated address', async () => {
    const scope = `round:${programme.roundId}`;
    for (const url of ['javascript:alert(1)', 'ftp://godau.gov.vn/a', '/tin-tuc/a', 'godau.tayninh.gov.vn/a', 'https://user:pw@godau.gov.vn/a', 'https://localhost/a', 'data:text/html,<b>x</b>']) {
      const response = await add(scope, { url, title: 'Tin', publishedOn: '2022-06-16' });
      expect(response.statusCode, url).toBe(422);
      expect(response.body).toContain('Địa chỉ tin bài phải là liên kết đầy đủ');
    }
    const future = await add(scope, { url: 'https://godau.tayninh.gov.vn/a', title: 'Tin', publishedOn: '2999-01-01' });
    expect(future.body).toContain('Ngày đăng không thể ở tương lai.');
    const impossible = await add(scope, { url: 'https://godau.tayninh.gov.vn/a', title: 'Tin', publishedOn: '2022-02-30' });
    expect(impossible.statusCode).toBe(422);
    expect(impossible.body).toContain('Ngày đăng không hợp lệ');
    const noTitle = await add(scope, { url: 'https://godau.tayninh.gov.vn/a', title: '   ', publishedOn: '2022-06-16' });
    expect(noTitle.body).toContain('Vui lòng nhập tiêu đề tin bài.');
    expect((await add(scope, { url: 'https://godau.tayninh.gov.vn/a', title: 'Tin', publishedOn: '2022-06-16' })).statusCode).toBe(303);
    const repeated = await add(`session:${programme.sessionId}`, { url: 'https://godau.tayninh.gov.vn/a', title: 'Tin lại', publishedOn: '2022-06-17' });
    expect(repeated.statusCode).toBe(422);
    expect(repeated.body).toContain('đã được thêm vào kế hoạch');
    expect(await t.app.db.selectFrom('news_links').select('id').execute()).toHaveLength(1);
    expect(normalizeNewsUrl('HTTPS://Godau.TayNinh.gov.vn/Tin?id=1')).toBe('https://godau.tayninh.gov.vn/Tin?id=1');
  });

  it('edits a link, soft-deletes it with a reason, and lets only the admin purge it', async () => {
    await add(`plan:${programme.planId}`, { url: 'https://baotayninh.vn/a', title: 'Bản tin', outlet: 'Báo Tây Ninh', publishedOn: '2022-07-01' });
    const id = (await t.app.db.selectFrom('news_links').select('id').executeTakeFirstOrThrow()).id;
    const edited = await organizer.submit(`/news-links/${id}/edit`, `/news-links/${id}`, { url: 'https://baotayninh.vn/b', title: 'Bản tin đã sửa', outlet: 'Báo Tây Ninh', publishedOn: '2022-07-02' });
    expect(edited.statusCode).toBe(303);
    expect((await organizer.get(`/plans/${programme.planId}`)).body).toContain('Bản tin đã sửa');
    const csrf = csrfFrom((await organizer.get(`/plans/${programme.planId}`)).body);
    const noReason = await organizer.post(`/news-links/${id}/delete`, { _csrf: csrf, reason: '' });
    expect(noReason.statusCode).toBe(303);
    expect((await organizer.get(noReason.headers.location as string)).body).toContain('Vui lòng ghi lý do xóa');
    expect((await organizer.post(`/news-links/${id}/delete`, { _csrf: csrf, reason: 'Tin trùng' })).statusCode).toBe(303);
    expect((await organizer.get(`/plans/${programme.planId}`)).body).not.toContain('Bản tin đã sửa');
    expect((await organizer.post(`/news-links/${id}/purge`, { _csrf: csrf })).statusCode).toBe(403);
    const admin = (await loggedInUser(t.app, ['admin'])).visitor;
    const deletedPage = await admin.get('/materials/deleted');
    expect(deletedPage.body).toContain('Bản tin đã sửa');
    expect((await admin.post(`/news-links/${id}/purge`, { _csrf: csrfFrom(deletedPage.body) })).statusCode).toBe(303);
    expect(await t.app.db.selectFrom('news_links').select('id').execute()).toEqual([]);
    const actions = (await t.app.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'news_link').execute()).map((r) => r.action);
    expect(actions).toEqual(['news_link.create', 'news_link.update', 'news_link.delete', 'news_link.purge']);
  });

  it('keeps reporters to reading', async () => {
    await add(`session:${programme.sessionId}`, { url: 'https://godau.tayninh.gov.vn/x', title: 'Tin đọc', publishedOn: '2022-06-16' });
    const reporter = (await loggedInUser(t.app, ['reporter'])).visitor;
    const page = await reporter.get(`/sessions/${programme.sessionId}`);
    expect(page.body).toContain('Tin đọc');
    expect(page.body).not.toContain('Thêm tin bài');
    expect((await reporter.get(`/news-links/new?scope=session:${programme.sessionId}`)).statusCode).toBe(403);
    const id = (await t.app.db.selectFrom('news_links').select('id').executeTakeFirstOrThrow()).id;
    expect((await reporter.post(`/news-links/${id}/delete`, { _csrf: csrfFrom(page.body), reason: 'không' })).statusCode).toBe(403);
  });
});
