import { toIso } from '../../clock.js';
import { FindingKind, Severity } from '../../domain/enums.js';
import type { FindingDraft } from '../../domain/finding.js';
import { formatDuration } from '../../domain/health.js';
import type { DetectorContext } from '../context.js';
import { formatTime, round } from '../format.js';

/** An agent is silent when no sample or successful check arrived for longer than offlineAfter. */
export function detectSilence({ agents, now, settings }: DetectorContext): FindingDraft[] {
  return agents.flatMap((agent): FindingDraft[] => {
    const lastSeen = Date.parse(agent.last_seen);
    const silentMs = now - lastSeen;
    if (silentMs <= settings.offlineAfterMs) return [];
    const ratio = silentMs / settings.offlineAfterMs;
    return [
      {
        kind: FindingKind.offline,
        agent_name: agent.name,
        metric: 'availability',
        severity: ratio >= 4 ? Severity.critical : Severity.warning,
        score: round(ratio, 3),
        started_at: agent.last_seen,
        ended_at: toIso(now),
        value: Math.round(silentMs / 1000),
        expected: Math.round(settings.offlineAfterMs / 1000),
        message:
          agent.sample_count === 0
            ? `${agent.name} is configured but has not reported since ${formatTime(lastSeen)} (${formatDuration(silentMs)}; offline after ${formatDuration(settings.offlineAfterMs)})`
            : `${agent.name} has sent no sample or check for ${formatDuration(silentMs)} (last seen ${formatTime(lastSeen)}; offline after ${formatDuration(settings.offlineAfterMs)})`,
        details: { last_seen: agent.last_seen, silent_seconds: Math.round(silentMs / 1000), active: true },
        episode_key: `offline:${agent.name}:${lastSeen}`,
      },
    ];
  });
}
