import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './enums.js';
import './types/agents.js';
import './types/agent-events.js';
import './types/analysis.js';
import './types/control.js';
import './types/findings.js';
import './types/health-snapshot.js';
import './types/improvements.js';
import './types/reports.js';
import './types/samples.js';
import './types/silences.js';
import './types/maintenance-windows.js';
import './types/status.js';
import './types/system-metrics.js';
import './types/work.js';

export const schema = builder.toSchema();

/** The SDL committed as schema.graphql; sorted so the file changes only when the schema does. */
export function printSchemaSdl(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
