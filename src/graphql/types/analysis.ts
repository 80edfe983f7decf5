import type { AnalysisResult } from '../../services/analysis.js';
import { builder } from '../builder.js';
import { FindingRef } from './findings.js';
import { ImprovementRef } from './improvements.js';

const AnalysisPayload = builder.objectRef<AnalysisResult>('AnalysisPayload').implement({
  description: 'What one analysis run found and changed.',
  fields: (t) => ({
    startedAt: t.expose('started_at', { type: 'DateTime' }),
    durationMs: t.exposeFloat('duration_ms'),
    mainThreadMaxDelayMs: t.exposeFloat('main_thread_max_delay_ms', { description: 'The longest the event loop was held up during the run.' }),
    findings: t.expose('findings', { type: [FindingRef] }),
    improvementsCreated: t.expose('improvements_created', { type: [ImprovementRef] }),
    improvementsUpdated: t.expose('improvements_updated', { type: [ImprovementRef] }),
    improvementsCleared: t.expose('improvements_cleared', {
      type: [ImprovementRef],
      description: 'Pending suggestions whose problem is no longer seen.',
    }),
  }),
});

builder.mutationField('triggerAnalysis', (t) =>
  t.field({
    authScopes: { operate: true },
    type: AnalysisPayload,
    description: 'Runs the full analysis now and answers when it is done.',
    resolve: (_, __, { services, actor }) => services.control.runAnalysis(actor),
  }),
);
