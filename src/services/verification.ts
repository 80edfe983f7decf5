import { ErrorCode, isAppError } from '../errors.js';
import { formatValues } from '../analysis/format.js';
import { BAD_DIRECTION, MATERIAL_CHANGE, mean, sampleErrorRate, type AnalysedMetric } from '../analysis/series.js';
import { toIso } from '../clock.js';
import type { Lifecycle } from '../coordination/lifecycle.js';
import { judgeOutcome, type OutcomeVerdict } from '../coordination/verify.js';
import { ImprovementStatus, Priority } from '../domain/enums.js';
import { Outcome, type Improvement } from '../domain/improvement.js';
import { ImprovementEventKind } from '../events/topics.js';
import type { StoredSample } from '../store/store.js';
import type { Actor, ServiceDeps } from './deps.js';
import { verificationMetric } from '../domain/problem.js';
import { HOUR, MINUTE } from '../domain/units.js';

const VERIFIER: Actor = { id: 'meta-agent:verification' };
const MAX_ROWS = 100_000;

export type VerificationService = ReturnType<typeof createVerificationService>;

/**
 * After work is completed, compares the affected metric of the affected agents in a window
 * before the work began with one after it was done (past a settling time), records the
 * outcome with its numbers, and raises a high-priority follow-up when it regressed.
 */
export function createVerificationService(deps: ServiceDeps, lifecycle: Lifecycle) {
  const { store, config, clock, logger } = deps;
  const log = logger.child({ module: 'verification' });
  const v = config.coordination.verification;

  async function valuesOf(metric: string, agents: readonly string[], from: number, to: number): Promise<number[]> {
    if (metric === 'host_cpu' || metric === 'host_memory') {
      const rows = await store.systemMetrics.list(toIso(from), MAX_ROWS);
      const column = metric === 'host_cpu' ? 'system_cpu_usage' : 'system_memory_usage';
      return rows.filter((r) => Date.parse(r.timestamp) < to && r[column] !== null).map((r) => r[column] as number);
    }
    const values: number[] = [];
    for (const agent of agents) {
      const samples = await store.samples.between(agent, toIso(from), toIso(to), MAX_ROWS);
      if (metric === 'availability') values.push(samples.length);
      else for (const s of samples) {
        const value = valueOf(s, metric);
        if (value !== null) values.push(value);
      }
    }
    return values;
  }

  async function judge(improvement: Improvement): Promise<OutcomeVerdict> {
    const metric = improvement.estimated_impact.metric;
    const measured = verificationMetric(improvement.problem_family, metric);
    const windowMs = v.windowMinutes * MINUTE;
    const completed = Date.parse(improvement.completion_time!);
    const began = Date.parse(improvement.claimed_at ?? improvement.decided_at ?? improvement.completion_time!);
    const afterFrom = completed + v.settleMinutes * MINUTE;
    const [before, after] = await Promise.all([
      valuesOf(measured, improvement.affected_components, began - windowMs, began),
      valuesOf(measured, improvement.affected_components, afterFrom, afterFrom + windowMs),
    ]);
    const known = measured in BAD_DIRECTION;
    const verdict = judgeOutcome({
      metric: measured,
      badDirection: measured === 'availability' ? -1 : known ? BAD_DIRECTION[measured as AnalysedMetric] : 1,
      before,
      after,
      minChange: v.minChange,
      floor: known ? MATERIAL_CHANGE[measured as AnalysedMetric] / 2 : 0,
    });
    const change = improvement.estimated_impact.caused_by_change;
    if (change && measured !== 'availability') return compareWithBeforeChange(verdict, change, windowMs);
    if (measured !== 'availability' || improvement.affected_components.length === 0) return verdict;
    // Availability is judged on how many samples the agents sent per window: say so in those words.
    const sent = (counts: readonly number[]) => counts.reduce((sum, n) => sum + n, 0);
    const samples = (n: number) => `${n} sample${n === 1 ? '' : 's'}`;
    return {
      ...verdict,
      samples_before: sent(before),
      samples_after: sent(after),
      reason: `${improvement.affected_components.join(', ')} sent ${samples(sent(before))} in the ${v.windowMinutes} minutes before the work and ${samples(sent(after))} in the ${v.windowMinutes} minutes after it`,
    };
  }

  /** A problem that began after a version change is fixed when the metric is back where it was before that change. */
  async function compareWithBeforeChange(
    verdict: OutcomeVerdict,
    change: NonNullable<Improvement['estimated_impact']['caused_by_change']>,
    windowMs: number,
  ): Promise<OutcomeVerdict> {
    const at = Date.parse(change.changed_at);
    // The same span the attribution measured "before" over: an hour, or the verification window if longer.
    const values = await valuesOf(verdict.metric, [change.agent], at - Math.max(HOUR, windowMs), at);
    if (values.length === 0 || verdict.after_mean === null) return verdict;
    const before = mean(values);
    const [was, is] = formatValues(verdict.metric, before, verdict.after_mean);
    return {
      ...verdict,
      before_change_mean: before,
      reason: `${verdict.reason}; before the change from ${change.from_version} to ${change.to_version} it was ${was}, now ${is}`,
    };
  }

  async function followUp(improvement: Improvement, verdict: OutcomeVerdict): Promise<Improvement> {
    const summary = improvement.result?.summary ?? 'no summary';
    return lifecycle.suggest(
      {
        type: improvement.type,
        priority: Priority.high,
        title: `Regression after: ${improvement.title}`,
        description: `After '${improvement.title}' (${improvement.id}) was completed at ${improvement.completion_time} (${summary}), ${verdict.reason}: worse than before.`,
        affected_components: improvement.affected_components,
        estimated_impact: { ...improvement.estimated_impact, regression: { ...verdict } },
        implementation_plan: {
          owner: improvement.assigned_agent,
          steps: [
            `Review the change made for ${improvement.id}: ${summary}`,
            ...(improvement.result?.changes.length ? [`Changed: ${JSON.stringify(improvement.result.changes).slice(0, 500)}`] : []),
            `Compare ${verdict.metric} before (${verdict.before_mean}) and after (${verdict.after_mean}) the change and find what made it worse.`,
            'Roll the change back if the cause is not clear within the hour.',
            ...(Array.isArray(improvement.implementation_plan.steps) ? (improvement.implementation_plan.steps as string[]) : []),
          ],
          verification: improvement.implementation_plan.verification ?? null,
        },
        confidence: 0.9,
        fingerprint: improvement.fingerprint,
        problem_family: improvement.problem_family,
        evidence: improvement.evidence,
        follow_up_of: improvement.id,
      },
      VERIFIER,
    );
  }

  return {
    judge,
    /** Verifies every completed improvement whose "after" window has passed. */
    async verifyDue(): Promise<Improvement[]> {
      const now = clock.now();
      const due = await store.improvements.completedBefore(toIso(now - (v.settleMinutes + v.windowMinutes) * MINUTE));
      const verified: Improvement[] = [];
      for (const improvement of due) {
        const verdict = await judge(improvement);
        const updated = await lifecycle.recordOutcome(improvement, { outcome: verdict.outcome, outcome_details: { ...verdict } }, VERIFIER);
        if (!updated) continue;
        log.info({ id: improvement.id, outcome: verdict.outcome, reason: verdict.reason }, 'improvement verified');
        verified.push(updated);
        if (verdict.outcome === Outcome.regressed) await followUp(updated, verdict).catch((error: unknown) => {
          // The problem already has an open suggestion (the analysis raised it again): the regression is recorded on this one's outcome.
          if (!isAppError(error) || error.code !== ErrorCode.conflict) throw error;
          log.info({ id: improvement.id, error: (error as Error).message }, 'regression follow-up not raised: the problem has an open suggestion');
        });
      }
      return verified;
    },
  };
}

function valueOf(sample: StoredSample, metric: string): number | null {
  if (metric === 'error_rate') return sampleErrorRate(sample);
  const value = (sample as unknown as Record<string, unknown>)[metric];
  return typeof value === 'number' ? value : null;
}
