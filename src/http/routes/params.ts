import { enumValues, FindingKind, ImprovementStatus } from '../../domain/enums.js';
import { RESOLUTIONS } from '../../services/inputs.js';
import type { ParamDoc } from '../router.js';

/** Query parameters shared by several routes. */
export const HOURS: ParamDoc = {
  name: 'hours',
  type: 'number',
  description: 'Time window in hours: a number > 0 and ≤ 8760 (default 24).',
};
export const LIMIT: ParamDoc = {
  name: 'limit',
  type: 'integer',
  description: 'At most this many rows, newest first (default and maximum: limits.maxRowsPerQuery, 10000).',
};
export const AGENT_NAME: ParamDoc = {
  name: 'agent_name',
  type: 'string',
  description: 'Only this agent (^[A-Za-z0-9_.-]{1,64}$).',
};
export const STATUS: ParamDoc = {
  name: 'status',
  type: 'string',
  enum: enumValues(ImprovementStatus),
  description: 'Only improvements in this status (omitted: all).',
};
export const KIND: ParamDoc = {
  name: 'kind',
  type: 'string',
  enum: enumValues(FindingKind),
  description: 'Only findings of this kind.',
};
export const METRIC: ParamDoc = { name: 'metric', type: 'string', description: 'Only findings about this metric, e.g. response_time.' };
export const REASON: ParamDoc = { name: 'reason', type: 'string', description: 'Why (at most 2000 characters); or give it in a JSON body {"reason"}, not both.' };
export const RESOLUTION: ParamDoc = {
  name: 'resolution',
  type: 'string',
  enum: RESOLUTIONS,
  description: 'raw rows, or 5m / 1h rollup buckets (means, sums for counts); auto (default): raw up to 24 h, 5m up to 7 d, 1h beyond.',
};
