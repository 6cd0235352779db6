import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../server/services/audit.ts';
import { createPerson } from '../server/services/people.ts';
import { createPlan, createRound } from '../server/services/plans.ts';
import { createSession, invitePerson } from '../server/services/sessions.ts';
import { createUnit } from '../server/services/units.ts';
import { formatShortCode } from '../server/services/invitation-codes.ts';
import { buildApp, type TestApp } from './helpers/build-app.ts';
import { loggedInUser } from './helpers/factories.ts';
import { Visitor, csrfFrom, formValues } from './helpers/http.ts';

function pdfText(t: TestApp, body: Buffer | string): string {
  const file = path.join(t.dataDir, `check-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, body);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

async function programme(t: TestApp) {
  const office = await createUnit(t.app.db, CLI_ACTOR, { kind: 'office', name: 'Phòng Nội vụ', shortName: '', sortOrder: '1' });
  const commune = await createUnit(t.app.db, CLI_ACTOR, { kind: 'commune', name: 'UBND xã Bàu Đồn', shortName: '', sortOrder: '1' });
  const planId = await createPlan(t.app.db, CLI_ACTOR, { number: '95', symbol: 'KH-UBND', issuedOn: '2022-05-06', summary: 'Tuyên truyền cải cách hành chính năm 2022', basis: '', year: '2022', requiredRounds: '2', unitIds: [] });
  const roundId = await createRound(t.app.db, CLI_ACTOR, planId, { number: '1', title: 'Tập huấn nghiệp vụ cải cách hành chính', topics: 'Rà soát thủ tục hành chính', notes: '', quotas: {} });
  const sessionId = await createSession(t.app.db, CLI_ACTOR, roundId, {
    date: '2030-05-12', startTime: '07:30', endTime: '11:00', venue: 'Hội trường UBND huyện', chair: 'Phó Chủ tịch UBND huyện',
    capacity: '', checkinOpensMinutes: '30', lateAfterMinutes: '15', status: 'planned', notes: 'Mang theo giấy mời.',
  });
  const people: number[] = [];
  for (const [name, unit] of [['Nguyễn Thị Ánh Tuyết', office], ['Lê Văn Đức', commune], ['Đỗ Thị Đào', commune]] as const) {
    people.push(await createPerson(t.app.db, CLI_ACTOR, { fullName: name, position: 'Chuyên viên', unitId: String(unit), phone: '', email: '', notes: '' }));
  }
  for (const id of people.slice(0, 2)) await invitePerson(t.app.db, CLI_ACTOR, sessionId, id);
  return { sessionId, people };
}

describe('letters: drafts, the register, issuing, personal codes', () => {
  let t: TestApp;
  let organizer: Visitor;
  beforeEach(async () => {
    t = await buildApp({ LOGIN_MAX_PER_IP: '100', PUBLIC_URL: 'https://taphuan.example.gov.vn' });
    organizer = (await loggedInUser(t.app, ['organizer'])).visitor;
  });
  afterEach(() => t.close());

  async function draft(sessionId: number, kind = 'giay-moi', extra: Record<string, string> = {}) {
    const page = await organizer.get(`/sessions/${sessionId}/letters/new?kind=${kind}`);
    expect(page.statusCode).toBe(200);
    const values = formValues(page.body);
    const form: Record<string, string> = { ...values, includeAppendix: '1', ...extra };
    return { form, csrf: csrfFrom(page.body) };
  }

  it('previews without taking a number, issues with the next number, and freezes the letter', async () => {
    const { sessionId } = await programme(t);
    const { form, csrf } = await draft(sessionId);
    expect(form.event).toContain('tập huấn nghiệp vụ cải cách hành chính');

    const preview = await organizer.post(`/sessions/${sessionId}/letters/preview?kind=giay-moi`, { ...form, _csrf: csrf });
    expect(preview.statusCode).toBe(200);
    expect(preview.headers['content-type']).toBe('application/pdf');
    const previewText = pdfText(t, preview.rawPayload);
    expect(previewText).toContain('BẢN XEM TRƯỚC');
    expect(previewText).toContain('GIẤY MỜI');
    expect(await t.app.db.selectFrom('letters').select('id').execute()).toEqual([]);

    const saved = await organizer.post(`/sessions/${sessionId}/letters?kind=giay-moi`, { ...form, _csrf: csrf });
    expect(saved.statusCode).toBe(303);
    const letterPath = String(saved.headers.location);
    const letterPage = await organizer.get(letterPath);
    expect(letterPage.body).toContain('Bản nháp');
    const issued = await organizer.post(`${letterPath}/issue`, { _csrf: csrfFrom(letterPage.body) });
    expect(issued.statusCode).toBe(303);
    const after = await organizer.get(letterPath);
    expect(after.body).toContain('số 01/GM-UBND');
    expect(after.body).toContain('đã cấp 2 mã giấy mời cá nhân');

    const pdf = await organizer.get(`${letterPath}/pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(String(pdf.headers['content-disposition'])).toMatch(/filename="\d{4}-\d{2}-\d{2}_01-GM-UBND_giay-moi\.pdf"/);
    const text = pdfText(t, pdf.rawPayload);
    expect(text).toContain('Số: 01/GM-UBND');
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('Nguyễn Thị Ánh Tuyết');
    expect(text).not.toContain('Đỗ Thị Đào');
    expect(text).not.toContain('BẢN XEM TRƯỚC');

    // An issued letter cannot be edited in place, nor issued twice.
    const edit = await organizer.post(letterPath, { ...form, event: 'đổi nội dung', _csrf: csrfFrom(after.body) });
    expect(edit.statusCode).toBe(409);
    expect(edit.body).toContain('không sửa được');
    const again = await organizer.post(`${letterPath}/issue`, { _csrf: csrfFrom(after.body) });
    expect(again.statusCode).toBe(409);

    // The next letter of the kind takes 02; a công văn has its own register.
    const second = await draft(sessionId);
    const secondPath = String((await organizer.post(`/sessions/${sessionId}/letters?kind=giay-moi`, { ...second.form, _csrf: second.csrf })).headers.location);
    await organizer.post(`${secondPath}/issue`, { _csrf: second.csrf });
    const cv = await draft(sessionId, 'cong-van');
    const cvPath = String((await organizer.post(`/sessions/${sessionId}/letters?kind=cong-van`, { ...cv.form, _csrf: cv.csrf })).headers.location);
    await organizer.post(`${cvPath}/issue`, { _csrf: cv.csrf });
    const register = await organizer.get('/letters');
    expect(register.body).toContain('02/GM-UBND');
    expect(register.body).toContain('01/UBND-VP');
    const cvText = pdfText(t, (await organizer.get(`${cvPath}/pdf`)).rawPayload);
    expect(cvText).toContain('V/v triệu tập');
    expect(cvText).toContain('Kính gửi');

    const xlsx = await organizer.get('/letters.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const numbers = book.worksheets[0]!.getColumn(1).values.slice(2).map(String);
    expect(numbers.sort()).toEqual(['01/GM-UBND', '01/UBND-VP', '02/GM-UBND']);
  });

  it('never gives two letters the same number, even when issued at the same moment', async () => {
    const { sessionId } = await programme(t);
    const paths: string[] = [];
    for (let i = 0; i < 6; i++) {
      const d = await draft(sessionId);
      paths.push(String((await organizer.post(`/sessions/${sessionId}/letters?kind=giay-moi`, { ...d.form, _csrf: d.csrf })).headers.location));
    }
    const csrf = csrfFrom((await organizer.get('/letters')).body);
    const results = await Promise.all(paths.map((p) => organizer.post(`${p}/issue`, { _csrf: csrf })));
    expect(results.map((r) => r.statusCode)).toEqual(paths.map(() => 303));
    const rows = await t.app.db.selectFrom('letters').select('number').where('status', '=', 'issued').execute();
    expect(rows.map((r) => r.number).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses a letter without its required fields, storing nothing', async () => {
    const { sessionId } = await programme(t);
    const { form, csrf } = await draft(sessionId);
    const bad = await organizer.post(`/sessions/${sessionId}/letters?kind=giay-moi`, { ...form, venue: '', signerName: '', _csrf: csrf });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Nhập địa điểm');
    expect(bad.body).toContain('Nhập họ tên người ký');
    expect(await t.app.db.selectFrom('letters').select('id').execute()).toEqual([]);
    const badPreview = await organizer.post(`/sessions/${sessionId}/letters/preview?kind=giay-moi`, { ...form, invitees: '', _csrf: csrf });
    expect(badPreview.statusCode).toBe(422);
    expect((await organizer.get(`/sessions/${sessionId}/letters/new?kind=bogus`)).statusCode).toBe(400);
  });

  it('gives each invitee a personal page by QR link and by short code; reissue and substitution end old codes', async () => {
    const { sessionId, people } = await programme(t);
    const { form, csrf } = await draft(sessionId);
    const letterPath = String((await organizer.post(`/sessions/${sessionId}/letters?kind=giay-moi`, { ...form, _csrf: csrf })).headers.location);
    await organizer.post(`${letterPath}/issue`, { _csrf: csrf });
    const codes = await t.app.db.selectFrom('invitation_tokens').selectAll().where('status', '=', 'active').orderBy('id').execute();
    expect(codes).toHaveLength(2);
    for (const code of codes) {
      expect(Buffer.from(code.token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
      expect(code.short_code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{9}$/);
    }
    const visitor = new Visitor(t.app);
    const page = await visitor.get(`/i/${codes[0]!.token}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Nguyễn Thị Ánh Tuyết');
    expect(page.body).toContain('07:30 – 11:00');
    expect(page.body).toContain(formatShortCode(codes[0]!.short_code));
    expect(page.body).toContain('<svg');
    const typed = await visitor.get(`/i?code=${encodeURIComponent(formatShortCode(codes[0]!.short_code).toLowerCase())}`);
    expect(typed.statusCode).toBe(303);
    expect(typed.headers.location).toBe(`/i/${codes[0]!.token}`);
    expect((await visitor.get('/i?code=AAAA-BBBB')).statusCode).toBe(404);
    expect((await visitor.get('/i/khong-phai-ma-nao-ca-1234567')).statusCode).toBe(404);

    const slips = await organizer.get(`${letterPath}/slips.pdf`);
    expect(slips.statusCode).toBe(200);
    const slipText = pdfText(t, slips.rawPayload);
    expect(slipText).toContain('Lê Văn Đức');

    // The commune sends someone else: the old code stops working, the substitute gets one.
    const invitation = await t.app.db.selectFrom('invitations').select('id').where('person_id', '=', people[1]!).executeTakeFirstOrThrow();
    const oldCode = codes.find((c) => c.invitation_id === invitation.id)!;
    await organizer.submit(`/sessions/${sessionId}`, `/invitations/${invitation.id}/substitute`, { replacementId: String(people[2]) });
    const replaced = await visitor.get(`/i/${oldCode.token}`);
    expect(replaced.statusCode).toBe(410);
    expect(replaced.body).toContain('đã được thay');
    const substituteCode = await t.app.db
      .selectFrom('invitation_tokens')
      .innerJoin('invitations', 'invitations.id', 'invitation_tokens.invitation_id')
      .select('invitation_tokens.token')
      .where('invitations.person_id', '=', people[2]!)
      .where('invitation_tokens.status', '=', 'active')
      .executeTakeFirstOrThrow();
    expect((await visitor.get(`/i/${substituteCode.token}`)).body).toContain('Đỗ Thị Đào');

    // Reissuing the letter replaces it in the register and every personal code with it.
    const reissueForm = await organizer.get(`${letterPath}/reissue`);
    expect(reissueForm.body).toContain('sẽ thay thế văn bản số 01/GM-UBND');
    const newPath = String((await organizer.post(`/sessions/${sessionId}/letters?kind=giay-moi&replaces=${letterPath.split('/').pop()}`, { ...form, _csrf: csrfFrom(reissueForm.body) })).headers.location);
    await organizer.post(`${newPath}/issue`, { _csrf: csrfFrom(reissueForm.body) });
    expect((await organizer.get(letterPath)).body).toContain('Đã được thay thế');
    expect((await visitor.get(`/i/${codes[0]!.token}`)).statusCode).toBe(410);
    expect((await visitor.get(`/i/${substituteCode.token}`)).statusCode).toBe(410);
    const active = await t.app.db.selectFrom('invitation_tokens').select('token').where('status', '=', 'active').execute();
    expect(active).toHaveLength(2);
    for (const { token } of active) expect((await visitor.get(`/i/${token}`)).statusCode).toBe(200);

    // Staff revoke one code (a lost slip): the link says so; then they issue a fresh one.
    const target = await t.app.db.selectFrom('invitation_tokens').select(['invitation_id', 'token']).where('status', '=', 'active').executeTakeFirstOrThrow();
    await organizer.submit(`/sessions/${sessionId}`, `/invitations/${target.invitation_id}/revoke-code`, {});
    const revoked = await visitor.get(`/i/${target.token}`);
    expect(revoked.statusCode).toBe(410);
    expect(revoked.body).toContain('đã bị thu hồi');
    const again = await organizer.submit(`/sessions/${sessionId}`, `/invitations/${target.invitation_id}/revoke-code`, {});
    expect(again.statusCode).toBe(409);
    await organizer.submit(`/sessions/${sessionId}`, `/invitations/${target.invitation_id}/reissue-code`, {});
    const fresh = await t.app.db.selectFrom('invitation_tokens').select('token').where('invitation_id', '=', target.invitation_id).where('status', '=', 'active').executeTakeFirstOrThrow();
    expect(fresh.token).not.toBe(target.token);
    expect((await visitor.get(`/i/${fresh.token}`)).statusCode).toBe(200);
    expect((await organizer.get(`/sessions/${sessionId}`)).body).toContain('Thu hồi mã');
  });

  it('rate-limits short-code lookups from one address', async () => {
    const visitor = new Visitor(t.app);
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await visitor.get('/i?code=ABCDEFGHJ')).statusCode);
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});
