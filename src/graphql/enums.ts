import {
  AgentHealth,
  FindingKind,
  SpecialistRole,
  ImprovementStatus,
  ImprovementType,
  OverallHealth,
  Priority,
  SampleSource,
  Severity,
} from '../domain/enums.js';
import { Outcome } from '../domain/improvement.js';
import { MATCHER_NAMES, SilenceOrigin, SilenceState } from '../domain/silence.js';
import { AgentEventKind } from '../domain/agent-event.js';
import { ImprovementEventKind } from '../events/topics.js';
import { builder } from './builder.js';

/** GraphQL enums built from the domain's single definitions; values are the domain's strings. */
const asEnum = <T extends Record<string, string>>(values: T) =>
  Object.fromEntries(Object.values(values).map((v) => [v.toUpperCase(), { value: v }])) as {
    [K in keyof T as Uppercase<T[K] & string>]: { value: T[K] };
  };

export const ImprovementStatusEnum = builder.enumType('ImprovementStatus', { values: asEnum(ImprovementStatus) });
export const ImprovementTypeEnum = builder.enumType('ImprovementType', { values: asEnum(ImprovementType) });
export const PriorityEnum = builder.enumType('Priority', { values: asEnum(Priority) });
export const AgentHealthEnum = builder.enumType('AgentHealth', { values: asEnum(AgentHealth) });
export const OverallHealthEnum = builder.enumType('OverallHealth', { values: asEnum(OverallHealth) });
export const SeverityEnum = builder.enumType('Severity', { values: asEnum(Severity) });
export const FindingKindEnum = builder.enumType('FindingKind', { values: asEnum(FindingKind) });
export const SampleSourceEnum = builder.enumType('SampleSource', { values: asEnum(SampleSource) });
export const ResolutionEnum = builder.enumType('Resolution', {
  description: 'raw rows, 5-minute or hourly rollup buckets; AUTO: raw up to 24 h, 5m up to 7 d, 1h beyond.',
  values: { AUTO: { value: 'auto' }, RAW: { value: 'raw' }, FIVE_MINUTES: { value: '5m' }, HOURLY: { value: '1h' } } as const,
});
export const ImprovementEventKindEnum = builder.enumType('ImprovementEventKind', { values: asEnum(ImprovementEventKind) });
export const OutcomeEnum = builder.enumType('Outcome', { values: asEnum(Outcome) });
export const SpecialistRoleEnum = builder.enumType('SpecialistRole', { values: asEnum(SpecialistRole) });
export const SilenceStateEnum = builder.enumType('SilenceState', { values: asEnum(SilenceState) });
export const SilenceOriginEnum = builder.enumType('SilenceOrigin', { values: asEnum(SilenceOrigin) });
export const MatcherNameEnum = builder.enumType('MatcherName', {
  description: 'The label a silence matcher tests: the agent, the metric, the finding kind, the severity, or the improvement type.',
  values: asEnum(Object.fromEntries(MATCHER_NAMES.map((n) => [n, n])) as { [K in (typeof MATCHER_NAMES)[number]]: K }),
});
export const AgentEventKindEnum = builder.enumType('AgentEventKind', { values: asEnum(AgentEventKind) });
