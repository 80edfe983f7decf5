import type { VersionChange } from '../../domain/version.js';
import { graphqlName, METRIC_FIELDS, METRIC_RULES, type MetricField } from '../../domain/sample.js';
import { isAppError, validationFailed } from '../../errors.js';
import type { SamplePoint } from '../../services/metrics.js';
import * as input from '../../inputs/query.js';
import { parseBatch } from '../../inputs/samples.js';
import { builder } from '../builder.js';
import { ResolutionEnum, SampleSourceEnum } from '../enums.js';

export const AgentSampleRef = builder.objectRef<SamplePoint>('AgentSample').implement({
  description:
    'One report from one agent about one interval, or (at 5m/1h resolution) a bucket of them: means, and sums for counts.',
  fields: (t) => ({
    id: t.exposeInt('id', { nullable: true, description: 'Null for a rollup bucket.' }),
    samples: t.int({ description: 'Raw samples the row stands for (1 for a raw row).', resolve: (s) => s.samples ?? 1 }),
    agentName: t.exposeString('agent_name'),
    timestamp: t.expose('timestamp', { type: 'DateTime' }),
    ...Object.fromEntries(
      METRIC_FIELDS.map((field) => [graphqlName(field), t.exposeFloat(field, { nullable: true, description: METRIC_RULES[field].description })]),
    ),
    version: t.exposeString('version', { nullable: true, description: 'The version the agent reported; null for a rollup bucket or when it sent none.' }),
    source: t.expose('source', {
      type: SampleSourceEnum,
      nullable: true,
      description: 'push, pull or process; null for a rollup bucket (which merges them).',
    }),
  }),
});

/** GraphQL input names (camelCase) and the sample fields they carry. */
const INPUT_FIELDS: Record<string, MetricField | 'agent_name' | 'timestamp' | 'version'> = {
  agentName: 'agent_name',
  timestamp: 'timestamp',
  version: 'version',
  ...Object.fromEntries(METRIC_FIELDS.map((field) => [graphqlName(field), field])),
};
const GRAPHQL_NAME: Record<string, string> = Object.fromEntries(Object.entries(INPUT_FIELDS).map(([graphql, rest]) => [rest, graphql]));

const AgentSampleInput = builder.inputType('AgentSampleInput', {
  description: 'The same fields and units as a REST sample; timestamp defaults to now and may be in the past.',
  fields: (t) => ({
    agentName: t.string({ required: true }),
    timestamp: t.string({ description: 'ISO-8601; no zone means UTC; at most 5 minutes in the future.' }),
    ...Object.fromEntries(METRIC_FIELDS.map((field) => [graphqlName(field), t.float()])),
    version: t.string({ description: 'The agent\'s software version, 1 to 64 characters (e.g. "1.5.0"); a change is marked on its charts and named in findings that follow it.' }),
  }),
});

const IngestPayload = builder.objectRef<{ accepted: number; agents: string[] }>('IngestPayload').implement({
  fields: (t) => ({
    accepted: t.exposeInt('accepted'),
    agents: t.exposeStringList('agents', { description: 'The agents the batch reported for.' }),
  }),
});

builder.queryField('agentPerformance', (t) =>
  t.field({
    authScopes: { read: true },
    type: [AgentSampleRef],
    description: 'Samples of the last `hours`, newest first, for one agent or all.',
    args: {
      agentName: t.arg.string(),
      hours: t.arg.float({ defaultValue: 24 }),
      limit: t.arg.int(),
      resolution: t.arg({ type: ResolutionEnum, defaultValue: 'auto' }),
    },
    resolve: async (_, args, { services, maxRows }) =>
      (
        await services.metrics.agentPerformance({
          agentName: input.agentNameFilter.parse(args.agentName),
          hours: input.hours.parse(args.hours),
          limit: input.limit.parse(args.limit, maxRows),
          resolution: input.resolution.parse(args.resolution),
        })
      ).rows,
  }),
);

const VersionChangeRef = builder.objectRef<VersionChange>('VersionChange').implement({
  description: 'An agent began running a version (its first sample that carried it).',
  fields: (t) => ({
    agentName: t.exposeString('agent_name'),
    at: t.expose('at', { type: 'DateTime' }),
    from: t.exposeString('from', { nullable: true, description: 'The version before; null for the first version seen.' }),
    to: t.exposeString('to'),
  }),
});

builder.queryField('versionChanges', (t) =>
  t.field({
    authScopes: { read: true },
    type: [VersionChangeRef],
    description: 'Versions agents began running in the last `hours`, oldest first.',
    args: { agentName: t.arg.string(), hours: t.arg.float({ defaultValue: 24 }), limit: t.arg.int() },
    resolve: async (_, args, { services, maxRows }) =>
      (
        await services.metrics.versionChanges({
          agentName: input.agentNameFilter.parse(args.agentName),
          hours: input.hours.parse(args.hours),
          limit: input.limit.parse(args.limit, maxRows),
        })
      ).rows,
  }),
);

builder.mutationField('reportMetrics', (t) =>
  t.field({
    authScopes: { report: true },
    type: IngestPayload,
    description: 'Stores a batch of 1..5000 samples, all or nothing; errors list each bad sample and field.',
    args: { samples: t.arg({ type: [AgentSampleInput], required: true }) },
    resolve: async (_, { samples }, { services, principal }) => {
      const batch = samples.map((input) => {
        const sample: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(input)) {
          if (value !== undefined && value !== null) sample[INPUT_FIELDS[key] ?? key] = value;
        }
        return sample;
      });
      try {
        return await services.ingest.ingest(parseBatch({ samples: batch }, services.ingest.limits()), { role: principal?.role });
      } catch (error) {
        // Name the fields as this API spells them.
        if (isAppError(error) && error.errors) {
          throw validationFailed(error.message, error.errors.map((e) => ({ ...e, field: GRAPHQL_NAME[e.field] ?? e.field })));
        }
        throw error;
      }
    },
  }),
);
