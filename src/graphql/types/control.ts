import { builder } from '../builder.js';

const ControlPayload = builder.objectRef<{ message: string; active: boolean }>('ControlPayload').implement({
  fields: (t) => ({
    message: t.exposeString('message'),
    active: t.exposeBoolean('active', { description: 'Whether monitoring runs after the call.' }),
  }),
});

builder.mutationFields((t) => ({
  startMonitoring: t.field({
    authScopes: { operate: true },
    type: ControlPayload,
    description: 'Starts the monitoring jobs (health, analysis, predictive, reports, retention).',
    resolve: (_, __, { services, actor }) => services.control.start(actor),
  }),
  stopMonitoring: t.field({
    authScopes: { operate: true },
    type: ControlPayload,
    description: 'Stops the monitoring jobs; the API keeps answering and ingesting.',
    resolve: (_, __, { services, actor }) => services.control.stop(actor),
  }),
}));
