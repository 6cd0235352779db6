// Reports: the page listing each plan and round with its evidence bundle (and the bundle's SHA-256) and its
// results report, and the downloads themselves. The bundle streams as it is built: headers first, then bytes.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Role } from '../../db/types.ts';
import { IdParams } from '../access.ts';
import { renderResultsReportPdf } from '../../documents/nd30/results-report.ts';
import { findBundleDigest } from '../../db/queries/bundle.ts';
import { BundleIntegrityError, prepareBundle, recordBundleDigest, streamBundle, type BundleScope } from '../../services/evidence-bundle.ts';
import { listReportsOverview } from '../../services/reports.ts';
import { loadResultsReport, reportFileName } from '../../services/results-report.ts';

/** Everyone who reads the programme; check-in staff do not. */
export const READ_REPORTS: readonly Role[] = ['admin', 'organizer', 'reporter'];

type Id = { Params: { id: number } };

function attachment(reply: FastifyReply, fileName: string, type: string): FastifyReply {
  return reply
    .type(type)
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store');
}

export default async function reportRoutes(app: FastifyInstance) {
  const options = () => ({ fontDir: app.config.fontDir });

  app.get('/reports', { config: { access: READ_REPORTS } }, async (_request, reply) => {
    const plans = await listReportsOverview(app.db, app.storage, options());
    return reply.view('pages/reports/index', { title: 'Báo cáo và hồ sơ minh chứng', plans });
  });

  async function sendBundle(request: { method: string; log: FastifyInstance['log'] }, reply: FastifyReply, scope: BundleScope) {
    // Everything that can refuse (a missing plan or round, a missing or resized file) does so before the first byte.
    const prepared = await prepareBundle(app.db, app.storage, scope, options());
    attachment(reply, prepared.fileName, 'application/zip');
    if (request.method === 'HEAD') return reply.send();
    const stored = await findBundleDigest(app.db, prepared.scope);
    const bundle = streamBundle(prepared);
    bundle.done.then(
      async (result) => {
        if (stored && stored.fingerprint === prepared.fingerprint && stored.sha256 !== result.sha256) {
          request.log.warn({ scope: prepared.scope, stored: stored.sha256, served: result.sha256 }, 'evidence bundle differs from its stored checksum for the same inputs');
        }
        await recordBundleDigest(app.db, prepared, result, options());
      },
      (error: Error) => {
        // A damaged file is the server's problem; a reader who went away is not.
        if (error instanceof BundleIntegrityError) request.log.error({ err: error, scope: prepared.scope }, 'evidence bundle stopped: a stored file does not match its checksum');
        else request.log.info({ msg: error.message, scope: prepared.scope }, 'evidence bundle download ended early');
      },
    ).catch((error: Error) => request.log.error({ err: error }, 'evidence bundle checksum not recorded'));
    return reply.send(bundle.stream);
  }

  app.get<Id>('/reports/plans/:id/bundle.zip', { config: { access: READ_REPORTS }, schema: { params: IdParams } }, async (request, reply) =>
    sendBundle(request, reply, { planId: request.params.id }),
  );
  app.get<Id>('/reports/rounds/:id/bundle.zip', { config: { access: READ_REPORTS }, schema: { params: IdParams } }, async (request, reply) =>
    sendBundle(request, reply, { roundId: request.params.id }),
  );

  async function sendReport(reply: FastifyReply, scope: BundleScope) {
    const report = await loadResultsReport(app.db, scope);
    return attachment(reply, reportFileName(report), 'application/pdf').send(renderResultsReportPdf(report, { fontDir: app.config.fontDir }));
  }

  app.get<Id>('/reports/plans/:id/report.pdf', { config: { access: READ_REPORTS }, schema: { params: IdParams } }, async (request, reply) =>
    sendReport(reply, { planId: request.params.id }),
  );
  app.get<Id>('/reports/rounds/:id/report.pdf', { config: { access: READ_REPORTS }, schema: { params: IdParams } }, async (request, reply) =>
    sendReport(reply, { roundId: request.params.id }),
  );
}
