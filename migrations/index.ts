// Every migration, listed statically so bundlers and readers see the whole history in order.
import type { Migration } from 'kysely';
import * as m0001 from './0001_create_users.ts';
import * as m0002 from './0002_create_agency.ts';
import * as m0003 from './0003_create_audit_log.ts';
import * as m0004 from './0004_create_planning.ts';
import * as m0005 from './0005_create_people_imports.ts';
import * as m0006 from './0006_create_letters.ts';
import * as m0007 from './0007_create_checkin.ts';
import * as m0008 from './0008_create_session_staff.ts';
import * as m0009 from './0009_create_materials.ts';
import * as m0010 from './0010_create_bundle_digests.ts';

export const migrations: Record<string, Migration> = {
  '0001_create_users': m0001,
  '0002_create_agency': m0002,
  '0003_create_audit_log': m0003,
  '0004_create_planning': m0004,
  '0005_create_people_imports': m0005,
  '0006_create_letters': m0006,
  '0007_create_checkin': m0007,
  '0008_create_session_staff': m0008,
  '0009_create_materials': m0009,
  '0010_create_bundle_digests': m0010,
};
