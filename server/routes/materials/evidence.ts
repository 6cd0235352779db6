// The "materials and news links" section the plan, round and session pages show.
import type { Kysely } from 'kysely';
import type { DB, Role } from '../../db/types.ts';
import { listMaterials, type MaterialView } from '../../services/materials.ts';
import { listNewsLinks, type NewsLinkView } from '../../services/news-links.ts';
import { MANAGE_MATERIALS } from './access.ts';

export interface EvidenceSection {
  scope: string;
  materials: MaterialView[];
  newsLinks: NewsLinkView[];
  canManage: boolean;
  /** Plans and rounds list what belongs to their sessions too, so each row says where. */
  showScope: boolean;
  galleryUrl: string | null;
  photoCount: number;
  videoCount: number;
}

/** Live materials and news links of a plan (all of it), a round (with its sessions) or one session. */
export async function loadEvidence(db: Kysely<DB>, level: 'plan' | 'round' | 'session', id: number, roles: readonly Role[]): Promise<EvidenceSection> {
  const filter = level === 'plan' ? { planId: id } : level === 'round' ? { roundId: id } : { sessionId: id };
  const materials = await listMaterials(db, filter);
  const photoCount = materials.filter((m) => m.kind === 'photo').length;
  const videoCount = materials.filter((m) => m.kind === 'video').length;
  return {
    scope: `${level}:${id}`,
    materials,
    newsLinks: await listNewsLinks(db, filter),
    canManage: roles.some((role) => MANAGE_MATERIALS.includes(role)),
    showScope: level !== 'session',
    galleryUrl: level === 'session' && photoCount + videoCount > 0 ? `/sessions/${id}/gallery` : null,
    photoCount,
    videoCount,
  };
}
