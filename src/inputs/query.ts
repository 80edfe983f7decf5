import { SilenceState } from '../domain/silence.js';
import { LEGACY_AGENT_NAME_PATTERN } from '../domain/agent-name.js';
import { enumValues, FindingKind, ImprovementStatus } from '../domain/enums.js';
import { badRequest } from '../errors.js';
import type { Input } from './input.js';
import { checkText, parseEnum, show } from './text.js';

/** The query inputs the edges share: REST strings and GraphQL values read the same. */
export const MAX_HOURS = 8760;
export const DEFAULT_HOURS = 24;

/** A plain decimal number, as query strings carry it: no hex, binary, exponents, blanks or signs. */
const DECIMAL = /^\d+(?:\.\d+)?$/;
const numeric = (value: unknown) => (typeof value === 'string' ? (DECIMAL.test(value) ? Number(value) : NaN) : value);

export const hours: Input<number> = {
  name: 'hours',
  type: 'number',
  description: `Time window in hours: a number > 0 and ≤ ${MAX_HOURS} (default ${DEFAULT_HOURS}).`,
  parse(value) {
    if (value === undefined || value === null) return DEFAULT_HOURS;
    const n = numeric(value);
    if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > MAX_HOURS) {
      throw badRequest(`hours must be a number greater than 0 and at most ${MAX_HOURS} (got ${show(value)})`);
    }
    return n;
  },
};

/** At most `max` rows (limits.maxRowsPerQuery), which is also the default. */
export const limit: Input<number, [max: number]> = {
  name: 'limit',
  type: 'integer',
  description: 'At most this many rows, newest first (default and maximum: the limits.maxRowsPerQuery setting).',
  parse(value, max) {
    if (value === undefined || value === null) return max;
    const n = numeric(value);
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max) {
      throw badRequest(`limit must be a whole number from 1 to ${max} (got ${show(value)})`);
    }
    return n;
  },
};

export const RESOLUTIONS = ['auto', 'raw', '5m', '1h'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const resolution: Input<Resolution> = {
  name: 'resolution',
  type: 'string',
  enum: RESOLUTIONS,
  description: 'raw rows, or 5m / 1h rollup buckets (means, sums for counts); auto (default): raw up to 24 h, 5m up to 7 d, 1h beyond.',
  parse: (value) => parseEnum('resolution', value, RESOLUTIONS) ?? 'auto',
};

export const improvementStatus: Input<ImprovementStatus | undefined> = {
  name: 'status',
  type: 'string',
  enum: enumValues(ImprovementStatus),
  description: 'Only improvements in this status (omitted: all).',
  parse: (value) => parseEnum('status', value, enumValues(ImprovementStatus)),
};

export const silenceState: Input<SilenceState | undefined> = {
  name: 'state',
  type: 'string',
  enum: enumValues(SilenceState),
  description: 'Only silences in this state now (omitted: all; ended ones, the latest 1000).',
  parse: (value) => parseEnum('state', value, enumValues(SilenceState)),
};

export const findingKind: Input<FindingKind | undefined> = {
  name: 'kind',
  type: 'string',
  enum: enumValues(FindingKind),
  description: 'Only findings of this kind.',
  parse: (value) => parseEnum('kind', value, enumValues(FindingKind)),
};

/**
 * An agent to look up or filter by. Lenient on purpose: an agent named before the dots-only
 * rule can still be found and removed.
 */
function agentNameOf(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !LEGACY_AGENT_NAME_PATTERN.test(value)) {
    throw badRequest(`${field} must be 1 to 64 characters of A-Z, a-z, 0-9, "_", "." or "-" (got ${show(value)})`);
  }
  return value;
}

export const agentNameFilter: Input<string | undefined> = {
  name: 'agent_name',
  type: 'string',
  description: 'Only this agent (^[A-Za-z0-9_.-]{1,64}$).',
  parse: (value) => agentNameOf('agent_name', value),
};

/** The agent a path or argument names (`name`); required. */
export const agentName: Input<string> = {
  name: 'name',
  type: 'string',
  description: 'The agent (^[A-Za-z0-9_.-]{1,64}$).',
  parse(value) {
    const name = agentNameOf('name', value);
    if (name === undefined) throw badRequest('name is required: the agent');
    return name;
  },
};

export const metricFilter: Input<string | undefined> = {
  name: 'metric',
  type: 'string',
  description: 'Only findings about this metric, e.g. response_time.',
  parse(value) {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !/^[a-z_]{1,64}$/.test(value)) {
      throw badRequest(`metric must be a metric name such as response_time (got ${show(value)})`);
    }
    return value;
  },
};

export const reason: Input<string | null> = {
  name: 'reason',
  type: 'string',
  description: 'Why (at most 2000 characters); or give it in a JSON body {"reason"}, not both.',
  parse(value) {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') throw badRequest(`reason must be a string (got ${typeof value})`);
    const text = checkText('reason', value.trim(), 2000);
    return text === '' ? null : text;
  },
};
