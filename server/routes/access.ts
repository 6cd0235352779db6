// Who may read and who may change the training programme.
import type { Role } from '../db/types.ts';

/** Organizers manage plans, units and people; reporters read everything. */
export const READ_PROGRAMME: readonly Role[] = ['organizer', 'reporter'];
export const MANAGE_PROGRAMME: readonly Role[] = ['organizer'];

export const IdParams = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1, maximum: 2147483647, errorMessage: 'Mã không hợp lệ.' } },
  required: ['id'],
} as const;
