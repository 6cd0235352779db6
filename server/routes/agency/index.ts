// The admin edits the agency profile printed on every document.
import type { FastifyInstance } from 'fastify';
import { AgencyBody } from './schemas.ts';
import { ValidationError } from '../../errors.ts';
import { getAgencyProfile, toAgencyInput, updateAgencyProfile, type AgencyInput } from '../../services/agency.ts';
import { renderFormErrors, text, validationErrorOf } from '../forms.ts';

const FIELDS: (keyof AgencyInput)[] = [
  'parentName', 'nameLines', 'placeName', 'symbol', 'signerAuthorityLines',
  'signerName', 'address', 'phone', 'email', 'website',
];

/** The agency fields of an untrusted body, each '' when absent. */
export function agencyInputFrom(body: unknown): AgencyInput {
  return Object.fromEntries(FIELDS.map((field) => [field, text(body, field)])) as unknown as AgencyInput;
}

export default async function agencyRoutes(app: FastifyInstance) {
  app.get('/admin/agency', { config: { access: ['admin'] } }, async (_request, reply) => {
    const profile = await getAgencyProfile(app.db);
    const values = profile ? toAgencyInput(profile) : agencyInputFrom({});
    return reply.view('pages/agency/edit', { title: 'Thông tin cơ quan', values, errors: {} });
  });

  app.post(
    '/admin/agency',
    { config: { access: ['admin'] }, schema: { body: AgencyBody }, attachValidation: true },
    async (request, reply) => {
      const values = agencyInputFrom(request.body);
      const page = { title: 'Thông tin cơ quan', values };
      try {
        const invalid = validationErrorOf(request);
        if (invalid) throw invalid;
        await updateAgencyProfile(app.db, request.actor(), values);
      } catch (error) {
        if (error instanceof ValidationError) return renderFormErrors(reply, 'pages/agency/edit', page, error);
        throw error;
      }
      reply.flash('success', 'Đã lưu thông tin cơ quan.');
      return reply.redirect('/admin/agency', 303);
    },
  );
}
