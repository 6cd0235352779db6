// Who may read, add and remove evidence files and news links.
import type { Role } from '../../db/types.ts';

/** Everyone who reads the programme reads its evidence (the admin too, to review before a purge). */
export const READ_MATERIALS: readonly Role[] = ['admin', 'organizer', 'reporter'];
/** Organizers (and the admin) add, edit and soft-delete. */
export const MANAGE_MATERIALS: readonly Role[] = ['admin', 'organizer'];
/** Only the admin removes evidence for good. */
export const PURGE_MATERIALS: readonly Role[] = ['admin'];
