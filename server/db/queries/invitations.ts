// Queries on invitations shared by letters, slips and sign-in sheets.
import type { Kysely, Transaction } from 'kysely';
import type { DB, UnitKind } from '../types.ts';
import { unitKindRank } from './units.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export interface InviteeRow {
  invitation_id: number;
  person_id: number;
  full_name: string;
  position: string;
  unit_name: string;
  unit_kind: UnitKind;
  unit_sort_order: number;
}

/** Who a session currently invites (invited or confirmed), in the order Vietnamese lists print them. */
export function listActiveInvitees(db: Executor, sessionId: number): Promise<InviteeRow[]> {
  return db
    .selectFrom('invitations')
    .innerJoin('people', 'people.id', 'invitations.person_id')
    .innerJoin('units', 'units.id', 'invitations.unit_id')
    .where('invitations.session_id', '=', sessionId)
    .where('invitations.status', 'in', ['invited', 'confirmed'])
    .select([
      'invitations.id as invitation_id', 'people.id as person_id', 'people.full_name', 'people.position',
      'units.name as unit_name', 'units.kind as unit_kind', 'units.sort_order as unit_sort_order',
    ])
    .orderBy(unitKindRank())
    .orderBy('units.sort_order')
    .orderBy('units.name')
    .orderBy('people.full_name_search')
    .execute();
}
