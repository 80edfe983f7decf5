import type { ReportSummary } from '../../domain/report.js';
import { builder } from '../builder.js';

const ReportSummaryRef = builder.objectRef<ReportSummary>('ReportSummary').implement({
  fields: (t) => ({
    filename: t.exposeString('filename'),
    timestamp: t.expose('timestamp', { type: 'DateTime', nullable: true }),
    performanceScore: t.exposeFloat('performance_score', { nullable: true }),
    activeAgents: t.exposeInt('active_agents', { nullable: true }),
    failedAgents: t.exposeInt('failed_agents', { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  reports: t.field({
    authScopes: { read: true },
    type: [ReportSummaryRef],
    description: 'Report files in meta_agent_data/system_reports, newest first.',
    resolve: (_, __, { services }) => services.reports.list(),
  }),
  report: t.field({
    authScopes: { read: true },
    type: 'JSONObject',
    description: 'One report, by a name of the form system_report_YYYYMMDD_HHMMSS.json.',
    args: { filename: t.arg.string({ required: true }) },
    resolve: async (_, { filename }, { services }) => (await services.reports.get(filename)) as Record<string, unknown>,
  }),
}));
