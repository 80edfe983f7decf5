import * as work from '../../inputs/work.js';
import { builder } from '../builder.js';
import { SpecialistRoleEnum } from '../enums.js';
import { ImprovementRef } from './improvements.js';

const WorkResultInput = builder.inputType('WorkResultInput', {
  fields: (t) => ({
    summary: t.string({ required: true, description: 'What was done.' }),
    changes: t.field({ type: ['JSONObject'], description: 'The changes made, e.g. [{file, description}].' }),
  }),
});

builder.mutationFields((t) => ({
  claimImprovement: t.field({
    authScopes: { work: true },
    type: ImprovementRef,
    description: 'Takes approved work under a lease (status IN_PROGRESS). Of concurrent claimers exactly one wins; the others get CONFLICT.',
    args: { id: t.arg.id({ required: true }), worker: t.arg.string({ required: true }) },
    resolve: (_, { id, worker }, { services, actor }) => services.work.claim(String(id), work.worker.parse(worker), actor),
  }),
  renewLease: t.field({
    authScopes: { work: true },
    type: ImprovementRef,
    description: 'Extends the lease by coordination.leaseSeconds; a worker that stops renewing loses the work.',
    args: { id: t.arg.id({ required: true }), worker: t.arg.string({ required: true }) },
    resolve: (_, { id, worker }, { services }) => services.work.renew(String(id), work.worker.parse(worker)),
  }),
  completeImprovement: t.field({
    authScopes: { work: true },
    type: ImprovementRef,
    description: 'Reports the work done; verification compares the metrics before and after.',
    args: { id: t.arg.id({ required: true }), worker: t.arg.string({ required: true }), result: t.arg({ type: WorkResultInput, required: true }) },
    resolve: (_, { id, worker, result }, { services, actor }) =>
      services.work.complete(String(id), work.worker.parse(worker), work.workResult.parse(result.summary, result.changes ?? []), actor),
  }),
  failImprovement: t.field({
    authScopes: { work: true },
    type: ImprovementRef,
    args: { id: t.arg.id({ required: true }), worker: t.arg.string({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: (_, { id, worker, reason }, { services, actor }) => services.work.fail(String(id), work.worker.parse(worker), work.failureReason.parse(reason), actor),
  }),
}));

builder.subscriptionField('assignments', (t) =>
  t.field({
    authScopes: { work: true },
    type: ImprovementRef,
    description: 'Approved work for a specialist role: what is already waiting, then each new offer (also work whose lease ran out).',
    args: { role: t.arg({ type: SpecialistRoleEnum, required: true }) },
    subscribe: (_, { role }, { services }) => services.work.assignments(work.specialistRole.parse(role)),
    resolve: (improvement) => improvement,
  }),
);
