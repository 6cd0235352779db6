// Request schemas of the plan dashboard.
import { Type, type Static } from '@sinclair/typebox';

export const PlanIdParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2147483647, errorMessage: 'Mã kế hoạch không hợp lệ.' }),
});
export type PlanIdParams = Static<typeof PlanIdParams>;
