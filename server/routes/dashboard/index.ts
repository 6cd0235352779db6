// The plan dashboard: progress, coverage matrix, chart and who is still missing, for organizers and reporters.
import type { FastifyInstance } from 'fastify';
import { buildPlanDashboard } from '../../services/dashboard.ts';
import { PlanIdParams } from './schemas.ts';

export default async function dashboardRoutes(app: FastifyInstance) {
  app.get<{ Params: PlanIdParams }>(
    '/plans/:id/dashboard',
    { config: { access: ['organizer', 'reporter'] }, schema: { params: PlanIdParams } },
    async (request, reply) => {
      const dashboard = await buildPlanDashboard(app.db, request.params.id);
      return reply.view('pages/dashboard/plan', { title: `Tổng hợp: ${dashboard.plan.reference}`, ...dashboard });
    },
  );
}
