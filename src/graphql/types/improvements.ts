import type { Improvement, ImprovementEvent } from '../../domain/improvement.js';
import type { ImprovementChange } from '../../events/topics.js';
import type { Decision } from '../../services/improvements.js';
import type { Approval } from '../../store/store.js';
import { ProblemFamily } from '../../domain/problem.js';
import * as input from '../../inputs/query.js';
import { builder } from '../builder.js';
import { ImprovementEventKindEnum, ImprovementStatusEnum, ImprovementTypeEnum, OutcomeEnum, PriorityEnum } from '../enums.js';

export const ImprovementEventRef = builder.objectRef<ImprovementEvent>('ImprovementHistoryEntry').implement({
  description: 'One status change of an improvement: who, when, from, to and why.',
  fields: (t) => ({
    improvementId: t.exposeID('improvement_id'),
    at: t.expose('at', { type: 'DateTime' }),
    actor: t.exposeString('actor'),
    fromStatus: t.expose('from_status', { type: ImprovementStatusEnum, nullable: true }),
    toStatus: t.expose('to_status', { type: ImprovementStatusEnum }),
    reason: t.exposeString('reason', { nullable: true }),
  }),
});

const ApprovalRef = builder.objectRef<Approval>('Approval').implement({
  fields: (t) => ({
    actor: t.exposeString('actor'),
    at: t.expose('at', { type: 'DateTime' }),
    reason: t.exposeString('reason', { nullable: true }),
  }),
});

export const ImprovementRef = builder.objectRef<Improvement>('Improvement').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.expose('type', { type: ImprovementTypeEnum }),
    priority: t.expose('priority', { type: PriorityEnum }),
    title: t.exposeString('title'),
    description: t.exposeString('description'),
    affectedComponents: t.exposeStringList('affected_components'),
    estimatedImpact: t.expose('estimated_impact', { type: 'JSONObject' }),
    implementationPlan: t.expose('implementation_plan', { type: 'JSONObject' }),
    confidence: t.exposeFloat('confidence'),
    createdAt: t.expose('created_at', { type: 'DateTime' }),
    status: t.expose('status', { type: ImprovementStatusEnum }),
    assignedAgent: t.exposeString('assigned_agent', { nullable: true }),
    completionTime: t.expose('completion_time', { type: 'DateTime', nullable: true }),
    fingerprint: t.exposeString('fingerprint', { nullable: true }),
    problemFamily: t.exposeString('problem_family', { nullable: true, description: `What kind of problem: one of ${Object.values(ProblemFamily).join(', ')}.` }),
    evidence: t.exposeIntList('evidence', { description: 'Ids of the supporting findings.' }),
    occurrences: t.exposeInt('occurrences'),
    lastSeenAt: t.expose('last_seen_at', { type: 'DateTime' }),
    updatedAt: t.expose('updated_at', { type: 'DateTime' }),
    decidedBy: t.exposeString('decided_by', { nullable: true }),
    decidedAt: t.expose('decided_at', { type: 'DateTime', nullable: true }),
    decisionReason: t.exposeString('decision_reason', { nullable: true }),
    problemClearedAt: t.expose('problem_cleared_at', { type: 'DateTime', nullable: true }),
    routingReason: t.exposeString('routing_reason', { nullable: true, description: 'Why it went to assignedAgent (a specialist role).' }),
    leaseOwner: t.exposeString('lease_owner', { nullable: true }),
    leaseExpiresAt: t.expose('lease_expires_at', { type: 'DateTime', nullable: true }),
    claimedAt: t.expose('claimed_at', { type: 'DateTime', nullable: true }),
    result: t.field({
      type: 'JSONObject',
      nullable: true,
      description: "The worker's summary and changes.",
      resolve: (i) => i.result as unknown as Record<string, unknown> | null,
    }),
    failureReason: t.exposeString('failure_reason', { nullable: true }),
    analysis: t.expose('analysis', { type: 'JSONObject', nullable: true, description: "The built-in performance analyst's findings." }),
    outcome: t.expose('outcome', { type: OutcomeEnum, nullable: true, description: 'Whether the fix worked, from the metrics before and after.' }),
    outcomeDetails: t.expose('outcome_details', { type: 'JSONObject', nullable: true }),
    verifiedAt: t.expose('verified_at', { type: 'DateTime', nullable: true }),
    followUpOf: t.exposeString('follow_up_of', { nullable: true, description: 'The improvement whose regression raised this one.' }),
    history: t.field({
      type: [ImprovementEventRef],
      resolve: (improvement, _, { services }) => services.improvements.history(improvement.id),
    }),
    approvalsRequired: t.int({
      description: 'Approvals from different operators it needs before it moves to approved (policies.requireApprovals; 1 by default).',
      resolve: (improvement, _, { services }) => services.improvements.approvalsRequired(improvement),
    }),
    approvals: t.field({
      type: [ApprovalRef],
      description: 'The approvals recorded toward its quorum, oldest first (empty when one approval is enough).',
      resolve: (improvement, _, { services }) => services.improvements.approvals(improvement),
    }),
  }),
});

const DecisionPayload = builder.objectRef<Decision>('DecisionPayload').implement({
  fields: (t) => ({
    message: t.exposeString('message'),
    reason: t.exposeString('reason', { nullable: true }),
    improvement: t.expose('improvement', { type: ImprovementRef }),
  }),
});

const ImprovementChangeRef = builder.objectRef<ImprovementChange>('ImprovementEvent').implement({
  fields: (t) => ({
    kind: t.expose('kind', { type: ImprovementEventKindEnum }),
    at: t.expose('at', { type: 'DateTime' }),
    actor: t.exposeString('actor'),
    improvement: t.expose('improvement', { type: ImprovementRef }),
  }),
});

builder.queryFields((t) => ({
  policies: t.field({
    authScopes: { read: true },
    type: 'JSONObject',
    description: 'The approval policies in force: {autoApprove, requireApprovals}.',
    resolve: (_, __, { services }) => services.policies.view() as unknown as Record<string, unknown>,
  }),
  auditTrail: t.field({
    authScopes: { read: true },
    type: [ImprovementEventRef],
    description: 'Every status change of every improvement in the last `hours`, newest first.',
    args: { hours: t.arg.float({ defaultValue: 24 }), limit: t.arg.int() },
    resolve: (_, args, { services, maxRows }) => services.improvements.auditTrail({ hours: input.hours.parse(args.hours), limit: input.limit.parse(args.limit, maxRows) }),
  }),
  improvements: t.field({
    authScopes: { read: true },
    type: [ImprovementRef],
    description: 'Improvement suggestions, newest first; all statuses when `status` is omitted.',
    args: { status: t.arg({ type: ImprovementStatusEnum }) },
    resolve: (_, { status }, { services }) => services.improvements.list(status ?? undefined),
  }),
  improvement: t.field({
    authScopes: { read: true },
    type: ImprovementRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_, { id }, { services }) => services.improvements.get(String(id)),
  }),
}));

builder.mutationFields((t) => ({
  approveImprovement: t.field({
    authScopes: { operate: true },
    type: DecisionPayload,
    description: 'Approves a pending improvement. NOT_FOUND for an unknown id, CONFLICT when it is not pending.',
    args: { id: t.arg.id({ required: true }), reason: t.arg.string() },
    resolve: (_, { id, reason }, { services, actor }) => services.improvements.approve(String(id), actor, input.reason.parse(reason)),
  }),
  rejectImprovement: t.field({
    authScopes: { operate: true },
    type: DecisionPayload,
    description: 'Rejects a pending improvement, storing the reason with who decided and when.',
    args: { id: t.arg.id({ required: true }), reason: t.arg.string() },
    resolve: (_, { id, reason }, { services, actor }) => services.improvements.reject(String(id), actor, input.reason.parse(reason)),
  }),
}));

builder.subscriptionField('improvementEvents', (t) =>
  t.field({
    authScopes: { read: true },
    type: ImprovementChangeRef,
    description: 'Improvements created, updated, approved or rejected, as they happen.',
    args: { kinds: t.arg({ type: [ImprovementEventKindEnum], description: 'Only these kinds; all when omitted.' }) },
    subscribe: (_, { kinds }, { services }) => services.events.improvementChanges(kinds ?? undefined),
    resolve: (change) => change,
  }),
);
