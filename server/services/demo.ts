// Demo data: the historical 2022 Gò Dầu setting, so a newcomer sees the product working a minute after install.
import type { Kysely } from 'kysely';
import { countUsers } from '../db/queries/users.ts';
import type { DB, Role } from '../db/types.ts';
import { ConflictError } from '../errors.ts';
import { saveAgencyProfile } from './agency.ts';
import { CLI_ACTOR } from './audit.ts';
import { hashPassword } from './passwords.ts';
import { insertAccount } from './users.ts';
import { insertDemoAttendance, insertDemoLetters, insertDemoPlan } from './demo-plan.ts';
import { insertDemoMaterials } from './demo-materials.ts';
import type { LocalFileStorage } from './storage.ts';

export const DEMO_PASSWORD = 'taphuan-demo';

const DEMO_ACCOUNTS: { username: string; fullName: string; roles: Role[] }[] = [
  { username: 'quantri', fullName: 'Trần Minh Quân (minh họa)', roles: ['admin', 'organizer'] },
  { username: 'tochuc', fullName: 'Nguyễn Thị Hồng Nhung (minh họa)', roles: ['organizer'] },
  { username: 'diemdanh', fullName: 'Lê Văn Đức (minh họa)', roles: ['checkin'] },
  { username: 'baocao', fullName: 'Phạm Thị Thu Hà (minh họa)', roles: ['reporter'] },
];

/**
 * Loads the demo agency and one account per role into an empty installation; returns what to tell the operator.
 * With the installation's file storage, round 1 also gets its materials (document, photos, video) and news links.
 */
export async function loadDemoData(db: Kysely<DB>, options: { storage?: LocalFileStorage } = {}): Promise<string> {
  if ((await countUsers(db)) > 0) {
    throw new ConflictError('Hệ thống đã có tài khoản; dữ liệu minh họa chỉ nạp vào bản cài đặt mới (DATA_DIR trống).');
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const plan = await db.transaction().execute(async (trx) => {
    await saveAgencyProfile(trx, CLI_ACTOR, {
      parentName: 'UBND TỈNH TÂY NINH',
      nameLines: ['ỦY BAN NHÂN DÂN', 'HUYỆN GÒ DẦU'],
      placeName: 'Gò Dầu',
      symbol: 'UBND',
      signerAuthorityLines: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'],
      signerName: 'Nguyễn Văn Minh (minh họa)',
      address: 'Khu phố Rạch Sơn, thị trấn Gò Dầu, huyện Gò Dầu, tỉnh Tây Ninh',
      phone: '0276 3853 000',
      email: 'ubnd.godau@example.gov.vn',
      website: 'https://godau.tayninh.gov.vn',
    });
    for (const account of DEMO_ACCOUNTS) {
      await insertAccount(trx, CLI_ACTOR, { ...account, passwordHash, mustChangePassword: false });
    }
    return insertDemoPlan(trx, CLI_ACTOR);
  });
  await insertDemoLetters(db, CLI_ACTOR, plan.planId);
  await insertDemoAttendance(db, plan.planId);
  let materials = '';
  if (options.storage) {
    const organizer = await db.selectFrom('users').select(['id', 'username']).where('username', '=', 'tochuc').executeTakeFirstOrThrow();
    const count = await insertDemoMaterials(db, options.storage, { userId: organizer.id, username: organizer.username, ip: null }, plan.planId);
    materials = ` Đợt 1 có ${count} tệp minh chứng (tài liệu, ảnh, video) và 2 tin bài.`;
  }
  const lines = DEMO_ACCOUNTS.map((a) => `  ${a.username.padEnd(10)} ${a.roles.join(', ')}`);
  return [
    'Đã nạp dữ liệu minh họa (UBND huyện Gò Dầu, năm 2022): 21 đơn vị, ' + plan.people + ' đại biểu, kế hoạch với 2 đợt và 3 buổi; giấy mời đợt 1 đã ban hành (kèm danh sách và giấy mời cá nhân có mã QR), giấy mời đợt 2 là bản nháp; đợt 1 đã điểm danh xong (đúng giờ, muộn, vắng có phép, vắng, đăng ký tại chỗ, đi thay).' + materials,
    'Tài khoản, mật khẩu chung: ' + DEMO_PASSWORD,
    ...lines,
    'Chỉ dùng để tìm hiểu; đừng dùng dữ liệu minh họa trên máy chủ thật.',
  ].join('\n');
}
