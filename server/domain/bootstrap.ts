import { randomBytes } from 'node:crypto';
import { SYSTEM } from './actor';
import type { Services } from './services';

export interface BootstrapResult {
  /** Present only on the very first start. */
  created: null | { adminUsername: string; adminPassword: string; passwordGenerated: boolean; sessionId: number; joinCode: string };
}

/**
 * First start: an admin and a sample dialogue session, once. A marker row
 * (not "no users yet") decides, so deleting or disabling users later never
 * re-creates them.
 */
export function bootstrap(services: Services, adminPassword: string | null): Promise<BootstrapResult> {
  // Nodes starting together on one PostgreSQL database: the first creates, the others find the marker.
  return services.port.exclusive('bootstrap', () => firstStart(services, adminPassword));
}

async function firstStart(services: Services, adminPassword: string | null): Promise<BootstrapResult> {
  await prepareRegister(services);
  if (await services.settings.repo.isBootstrapped()) return { created: null };

  const password = adminPassword ?? randomBytes(12).toString('base64url');
  const existingAdmin = await services.users.repo.byUsername('admin');
  const admin =
    existingAdmin ??
    (await services.users.create(SYSTEM, {
      username: 'admin',
      password,
      displayName: 'Quản trị viên',
      role: 'admin',
      title: 'Quản trị hệ thống',
    }));
  const startsAt = new Date(Date.now() + 7 * 24 * 3600 * 1000);
  startsAt.setUTCHours(1, 30, 0, 0); // 08:30 in Vietnam (UTC+7)
  const session = await services.sessions.create(SYSTEM, {
    title: 'Hội nghị đối thoại giữa Chủ tịch UBND tỉnh với thanh niên năm 2026',
    audience: 'Đoàn viên, thanh niên trên địa bàn tỉnh',
    startsAt: startsAt.toISOString(),
    place: 'Hội trường Trung tâm Hội nghị tỉnh',
    description:
      'Đối thoại theo Nghị định 13/2021/NĐ-CP về việc đối thoại với thanh niên: việc làm, khởi nghiệp, chuyển đổi số, giáo dục nghề nghiệp và môi trường sống.',
    moderation: 'pre',
    anonymousAllowed: true,
    maxQuestionLength: 1000,
    chair: 'Đồng chí Chủ tịch UBND tỉnh',
    secretary: 'Văn phòng UBND tỉnh',
    panel: [
      { name: 'Nguyễn Văn An', title: 'Chủ tịch UBND tỉnh', agency: 'UBND tỉnh' },
      { name: 'Trần Thị Bình', title: 'Giám đốc', agency: 'Sở Nội vụ' },
      { name: 'Lê Minh Châu', title: 'Giám đốc', agency: 'Sở Giáo dục và Đào tạo' },
      { name: 'Phạm Quốc Dũng', title: 'Bí thư Tỉnh đoàn', agency: 'Tỉnh đoàn' },
    ],
  });
  // Admins act everywhere; listing the first one makes the sample's staff list read right.
  await services.sessions.setStaff(SYSTEM, session.id, [admin.id]);
  // Open for pre-submission so the join code works right away.
  await services.sessions.update(SYSTEM, session.id, { status: 'open' });
  await services.settings.repo.markBootstrapped(new Date());
  return {
    created: {
      adminUsername: 'admin',
      adminPassword: existingAdmin ? '(unchanged)' : password,
      passwordGenerated: !adminPassword,
      sessionId: session.id,
      joinCode: session.code,
    },
  };
}

/**
 * Every start (idempotent): the first unit from the settings (ORG_NAME) when
 * there is none, every session without a unit given it, and every question
 * approved or later given its opinion in the register (rows made before the
 * register existed).
 */
export async function prepareRegister(services: Services): Promise<{ unitId: number; opinionsMade: number }> {
  const unit = await services.units.ensureDefault();
  return { unitId: unit.id, opinionsMade: await services.opinions.backfill() };
}
