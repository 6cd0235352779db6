import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Access } from '../server/plugins/auth.ts';
import type { Role } from '../server/db/types.ts';
import { ROLES } from '../server/services/roles.ts';
import { buildApp, type TestApp } from './helpers/build-app.ts';
import { loggedInUser } from './helpers/factories.ts';
import { Visitor, csrfFrom } from './helpers/http.ts';

function concreteUrl(url: string): string {
  return url.replace(/:[a-zA-Z]+/g, '1').replace(/\*$/, 'css/app.css');
}

describe('every route checks its access on the server', () => {
  let t: TestApp;
  const visitors = new Map<Role, Visitor>();
  beforeAll(async () => {
    t = await buildApp({ LOGIN_MAX_PER_IP: '100' });
    for (const role of ROLES) visitors.set(role, (await loggedInUser(t.app, [role])).visitor);
  });
  afterAll(() => t.close());

  it('declares an access rule on every route, and has both public and protected ones', () => {
    const routes = t.app.routeAccess.filter((r) => r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.filter((r) => r.access === undefined)).toEqual([]);
    expect(routes.some((r) => r.access === 'public')).toBe(true);
    expect(routes.some((r) => Array.isArray(r.access))).toBe(true);
  });

  it('refuses anonymous requests to every non-public route', async () => {
    const protectedRoutes = t.app.routeAccess.filter((r) => r.method !== 'HEAD' && r.access !== 'public');
    for (const route of protectedRoutes) {
      const url = concreteUrl(route.url);
      const html = await t.app.inject({ method: route.method as 'GET', url, headers: { accept: 'text/html' } });
      const json = await t.app.inject({ method: route.method as 'GET', url, headers: { accept: 'application/json' } });
      if (route.method === 'GET') {
        expect(html.statusCode, `${route.method} ${url}`).toBe(303);
        expect(html.headers.location, `${route.method} ${url}`).toMatch(/^\/login\?next=/);
      } else {
        expect(html.statusCode, `${route.method} ${url}`).toBe(401);
      }
      expect(json.statusCode, `${route.method} ${url} (JSON)`).toBe(401);
      expect(json.json().message).toBe('Bạn cần đăng nhập để tiếp tục.');
    }
  });

  it('refuses every role the route does not grant, with 403', async () => {
    const roleRoutes = t.app.routeAccess.filter(
      (r): r is { method: string; url: string; access: readonly Role[] } => r.method !== 'HEAD' && Array.isArray(r.access),
    );
    let refusals = 0;
    for (const route of roleRoutes) {
      for (const role of ROLES.filter((r) => !(route.access as Access as readonly Role[]).includes(r))) {
        const visitor = visitors.get(role)!;
        const url = concreteUrl(route.url);
        const response =
          route.method === 'GET'
            ? await visitor.get(url)
            : await visitor.post(url, { _csrf: csrfFrom((await visitor.get('/')).body) });
        expect(response.statusCode, `${role} ${route.method} ${url}`).toBe(403);
        expect(response.body).toContain('Bạn không có quyền thực hiện thao tác này');
        refusals++;
      }
    }
    expect(refusals).toBeGreaterThan(20);
  });

  it('lets the granted role through', async () => {
    const admin = visitors.get('admin')!;
    expect((await admin.get('/admin/users')).statusCode).toBe(200);
    expect((await admin.get('/admin/agency')).statusCode).toBe(200);
    expect((await admin.get('/admin/audit')).statusCode).toBe(200);
    expect((await visitors.get('reporter')!.get('/account/password')).statusCode).toBe(200);
  });
});

describe('CSRF, headers, cookies and error pages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildApp({ TRUST_PROXY: 'true' });
  });
  afterAll(() => t.close());

  it('refuses a state-changing form without a token or with a forged one', async () => {
    const { visitor } = await loggedInUser(t.app, ['admin']);
    // No page has given this session a token yet: its CSRF secret does not even exist.
    const noSecret = await visitor.post('/admin/agency', { placeName: 'Trảng Bàng' });
    expect(noSecret.statusCode).toBe(403);
    expect(noSecret.body).toContain('Phiên làm việc đã hết hạn');
    await visitor.get('/admin/agency');
    const noToken = await visitor.post('/admin/agency', { placeName: 'Trảng Bàng' });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.body).toContain('Biểu mẫu đã hết hạn hoặc không hợp lệ');
    const forged = await visitor.post('/admin/agency', { placeName: 'Trảng Bàng', _csrf: 'forged-token' });
    expect(forged.statusCode).toBe(403);
    // A token from another session is no good either.
    const other = await loggedInUser(t.app, ['admin']);
    const foreign = csrfFrom((await other.visitor.get('/')).body);
    expect((await visitor.post('/admin/agency', { placeName: 'Trảng Bàng', _csrf: foreign })).statusCode).toBe(403);
    const anonymousLogin = await new Visitor(t.app).post('/login', { username: 'a', password: 'b' });
    expect(anonymousLogin.statusCode).toBe(403);
    expect(anonymousLogin.body).toContain('Phiên làm việc đã hết hạn');
  });

  it('sends a strict CSP and the other security headers on pages', async () => {
    const response = await new Visitor(t.app).get('/login');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(response.body).not.toMatch(/\sstyle="/);
    // The same full set on every answer, JSON and errors included, with no header left over from helmet's defaults.
    for (const other of [await new Visitor(t.app).get('/healthz'), await new Visitor(t.app).get('/khong-co-trang-nay', { accept: 'application/json' })]) {
      for (const name of ['content-security-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy', 'origin-agent-cluster', 'referrer-policy', 'x-content-type-options', 'x-dns-prefetch-control', 'x-download-options', 'x-frame-options', 'x-permitted-cross-domain-policies', 'x-xss-protection']) {
        expect(other.headers[name], name).toBe(response.headers[name]);
      }
      expect(other.headers['strict-transport-security']).toBeUndefined();
      expect(other.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('sets the session cookie HttpOnly and SameSite=Lax, and Secure behind HTTPS', async () => {
    const plain = await new Visitor(t.app).get('/login');
    const cookie = String(plain.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure');
    const https = await new Visitor(t.app).get('/login', { 'x-forwarded-proto': 'https' });
    expect(String(https.headers['set-cookie'])).toContain('Secure');
  });

  it('answers unknown pages with a Vietnamese 404 page, or JSON to JSON clients', async () => {
    const html = await new Visitor(t.app).get('/khong-co-trang-nay');
    expect(html.statusCode).toBe(404);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('Không tìm thấy trang');
    const json = await t.app.inject({ method: 'GET', url: '/khong-co', headers: { accept: 'application/json' } });
    expect(json.statusCode).toBe(404);
    expect(json.json()).toMatchObject({ statusCode: 404, message: expect.stringContaining('Không tìm thấy') });
  });

  it('answers malformed requests with 4xx and a Vietnamese message, never 500', async () => {
    const { visitor } = await loggedInUser(t.app, ['admin']);
    const csrf = csrfFrom((await visitor.get('/admin/agency')).body);
    const cases = [
      () => visitor.get('/admin/users/abc'),
      () => visitor.get('/admin/users/99999'),
      () => visitor.get('/admin/users/1e99'),
      () => visitor.get('/admin/audit?page=-1'),
      () => visitor.get('/assets/../package.json'),
      () => visitor.get('/assets/%2e%2e/package.json'),
      () => visitor.get('/%E0%A4%A'),
      () => visitor.post('/admin/users/99999', { _csrf: csrf, fullName: 'A', roles: 'admin' }),
      () => visitor.post('/admin/users/99999/disable', { _csrf: csrf }),
      () =>
        t.app.inject({
          method: 'POST',
          url: '/admin/agency',
          payload: '{"placeName": ',
          headers: { 'content-type': 'application/json', cookie: visitor.cookieHeader, 'x-csrf-token': csrf },
        }),
      () =>
        t.app.inject({
          method: 'POST',
          url: '/admin/agency',
          payload: 'x',
          headers: { 'content-type': 'text/xml', cookie: visitor.cookieHeader },
        }),
      () =>
        t.app.inject({
          method: 'POST',
          url: '/admin/agency',
          payload: `_csrf=${encodeURIComponent(csrf)}&placeName=${'a'.repeat(2 * 1024 * 1024)}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: visitor.cookieHeader },
        }),
    ];
    for (const [index, send] of cases.entries()) {
      const response = await send();
      expect(response.statusCode, `case ${index}`).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, `case ${index}: ${response.body.slice(0, 200)}`).toBeLessThan(500);
      expect(response.body, `case ${index}`).not.toMatch(/Internal Server Error|Error:|at .*\.ts:/);
    }
  });

  it('hides the details of a server error and logs them', async () => {
    const logged: string[] = [];
    const scratch = await buildApp({ LOG_LEVEL: 'error' }, { logLines: logged });
    const { visitor } = await loggedInUser(scratch.app, ['admin']);
    try {
      // A broken database under a working session: the agency page's query fails inside the handler.
      await sql`drop table agency`.execute(scratch.app.db);
      const html = await visitor.get('/admin/agency');
      expect(html.statusCode).toBe(500);
      expect(html.body).toContain('Đã có lỗi xảy ra phía máy chủ');
      expect(html.body).not.toMatch(/no such table|kysely|sqlite|stack/i);
      const json = await visitor.get('/admin/agency', { accept: 'application/json' });
      expect(json.statusCode).toBe(500);
      expect(json.json().message).toContain('Đã có lỗi xảy ra phía máy chủ');
      expect(json.body).not.toMatch(/no such table/);
      expect(logged.join('\n')).toContain('no such table: agency');
    } finally {
      await scratch.close();
    }
  });
});
