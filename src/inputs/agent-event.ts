import { AgentEventKind } from '../domain/agent-event.js';
import { enumValues } from '../domain/enums.js';
import { parseIsoTimestamp, versionProblem } from '../domain/sample.js';
import { objectInput } from './object-input.js';
import { show } from './text.js';

const FIELDS = ['kind', 'version', 'at'];
const MAX_FUTURE_MS = 5 * 60_000;
const MAX_PAST_MS = 7 * 24 * 3_600_000;

export interface AgentEventInput {
  kind: AgentEventKind;
  version: string | null;
  at: number;
}

/** `{kind: "deploy"|"restart", version?, at?}`: each problem named by its field; `at` defaults to now, within the last 7 days. */
export function parseAgentEvent(body: unknown, now: number): AgentEventInput {
  const { input, fail, refuseIfAny } = objectInput(body, 'an event', FIELDS);
  const kinds = enumValues(AgentEventKind);
  if (typeof input.kind !== 'string' || !(kinds as string[]).includes(input.kind)) fail('kind', `must be one of ${kinds.join(', ')} (got ${show(input.kind)})`);
  const version = input.version === undefined || input.version === null ? null : input.version;
  const problem = version === null ? undefined : versionProblem(version);
  if (problem) fail('version', problem);
  let at = now;
  if (input.at !== undefined && input.at !== null) {
    const ms = typeof input.at === 'string' ? parseIsoTimestamp(input.at) : undefined;
    if (ms === undefined) fail('at', `must be an ISO-8601 date-time such as "2026-12-01T12:00:00Z" (got ${show(input.at)})`);
    else if (ms > now + MAX_FUTURE_MS) fail('at', 'is more than 5 minutes in the future');
    else if (ms < now - MAX_PAST_MS) fail('at', 'is more than 7 days ago');
    else at = ms;
  }
  refuseIfAny();
  return { kind: input.kind as AgentEventKind, version: version as string | null, at };
}
