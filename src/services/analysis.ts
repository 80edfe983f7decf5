import { analyze, type DetectorGroup } from '../analysis/engine.js';
import { proposeImprovements, type Proposal } from '../analysis/suggest.js';
import { toIso } from '../clock.js';
import { ImprovementStatus, Priority, Severity } from '../domain/enums.js';
import type { Finding, FindingDraft } from '../domain/finding.js';
import type { Improvement } from '../domain/improvement.js';
import { ImprovementEventKind } from '../pubsub.js';
import type { Actor, ServiceDeps } from './deps.js';
import type { ImprovementService } from './improvements.js';

export interface AnalysisResult {
  started_at: string;
  duration_ms: number;
  findings: Finding[];
  improvements_created: Improvement[];
  improvements_updated: Improvement[];
  /** Pending suggestions whose problem is no longer seen. */
  improvements_cleared: Improvement[];
}

const ANALYST: Actor = { id: 'meta-agent:analysis' };
const ALL_GROUPS: readonly DetectorGroup[] = ['analysis', 'predictive'];
const OPEN: readonly string[] = [ImprovementStatus.pending, ImprovementStatus.approved, ImprovementStatus.in_progress];
const PRIORITY_RANK: Record<Priority, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export type AnalysisService = ReturnType<typeof createAnalysisService>;

export function createAnalysisService(deps: ServiceDeps, improvements: ImprovementService) {
  const { store, config, clock, logger, pubsub } = deps;
  const log = logger.child({ module: 'analysis' });
  const memoryLimits = new Map(config.agents.map((a) => [a.name, a.memoryLimitMb]));
  let running: Promise<AnalysisResult> | undefined;

  async function runOnce(groups: readonly DetectorGroup[]): Promise<AnalysisResult> {
    const started = clock.now();
    const startedHr = performance.now();
    const sinceIso = toIso(started - config.analysis.lookbackHours * 3_600_000);
    const [agents, samples, recent] = await Promise.all([
      store.agents.list(),
      store.samples.byAgentSince(sinceIso),
      store.findings.list({ sinceIso, limit: 100_000 }),
    ]);
    const drafts = analyze({
      now: started,
      agents,
      samples,
      thresholds: config.thresholds,
      threshold: {
        hysteresis: config.analysis.hysteresis,
        minPoints: config.analysis.minBreachPoints,
        minDurationMs: config.analysis.minBreachSeconds * 1000,
      },
      offlineAfterMs: config.health.offlineAfterSeconds * 1000,
      memoryLimits,
    }, groups);
    const at = toIso(started);
    const findings = await store.findings.upsert(continueEpisodes(drafts, recent), at);

    const result: AnalysisResult = {
      started_at: at,
      duration_ms: 0,
      findings,
      improvements_created: [],
      improvements_updated: [],
      improvements_cleared: [],
    };
    const proposed = proposeImprovements(findings);
    for (const proposal of proposed) await applyProposal(proposal, at, result);
    // Only a run of every detector can tell that a problem is gone.
    if (groups.length === ALL_GROUPS.length) {
      await markCleared(new Set(proposed.filter((p) => p.active).map((p) => p.draft.fingerprint!)), at, result);
    }
    result.duration_ms = Math.round((performance.now() - startedHr) * 10) / 10;
    log.info(
      {
        findings: findings.length,
        created: result.improvements_created.length,
        updated: result.improvements_updated.length,
        cleared: result.improvements_cleared.length,
        duration_ms: result.duration_ms,
      },
      'analysis run',
    );
    return result;
  }

  /**
   * One open suggestion per problem: refresh it when something changed. A closed one is
   * raised again only on new evidence (a new episode), and a rejected one not within its
   * quiet period unless the problem got clearly worse.
   */
  async function applyProposal(proposal: Proposal, at: string, result: AnalysisResult): Promise<void> {
    const { draft } = proposal;
    const existing = await store.improvements.latestByFingerprint(draft.fingerprint!);
    const fresh = draft.evidence.filter((id) => !existing?.evidence.includes(id));
    if (existing && OPEN.includes(existing.status)) {
      const changed =
        fresh.length > 0 ||
        (proposal.active && existing.problem_cleared_at !== null) ||
        (existing.status === ImprovementStatus.pending && existing.priority !== draft.priority) ||
        existing.estimated_impact.current_value !== proposal.value ||
        existing.confidence !== draft.confidence;
      if (changed) await refresh(existing, proposal, [...existing.evidence, ...fresh], at, result);
      return;
    }
    if (existing && fresh.length === 0) return;
    if (existing?.status === ImprovementStatus.rejected && isQuiet(existing, at) && !clearlyWorse(existing, proposal)) return;
    result.improvements_created.push(await improvements.create(draft, ANALYST));
  }

  async function refresh(existing: Improvement, proposal: Proposal, evidence: number[], at: string, result: AnalysisResult) {
    const { draft } = proposal;
    const updated = await store.improvements.refresh(
      existing.id,
      {
        // An approved or running suggestion keeps its priority; only a pending one is re-ranked.
        priority: existing.status === ImprovementStatus.pending ? draft.priority : existing.priority,
        description: draft.description,
        estimated_impact: draft.estimated_impact,
        implementation_plan: draft.implementation_plan,
        confidence: draft.confidence,
        evidence,
        occurrences: evidence.length,
        last_seen_at: at,
        problem_cleared_at: proposal.active ? null : existing.problem_cleared_at,
      },
      at,
    );
    result.improvements_updated.push(updated);
    pubsub.publish('improvement:changed', { kind: ImprovementEventKind.updated, at, actor: ANALYST.id, improvement: updated });
  }

  async function markCleared(activeProblems: Set<string>, at: string, result: AnalysisResult): Promise<void> {
    for (const improvement of await store.improvements.list(ImprovementStatus.pending)) {
      if (!improvement.fingerprint || activeProblems.has(improvement.fingerprint) || improvement.problem_cleared_at) continue;
      const updated = await store.improvements.refresh(improvement.id, { ...improvement, problem_cleared_at: at }, at);
      result.improvements_cleared.push(updated);
      pubsub.publish('improvement:changed', { kind: ImprovementEventKind.updated, at, actor: ANALYST.id, improvement: updated });
    }
  }

  function isQuiet(rejected: Improvement, at: string): boolean {
    const decided = Date.parse(rejected.decided_at ?? rejected.updated_at);
    return Date.parse(at) - decided < config.analysis.rejectQuietHours * 3_600_000;
  }

  /** One run at a time: a call during a run waits for it, then runs on fresh data. */
  async function serialised(groups: readonly DetectorGroup[]): Promise<AnalysisResult> {
    while (running) await running.catch(() => undefined);
    running = runOnce(groups);
    try {
      return await running;
    } finally {
      running = undefined;
    }
  }

  return {
    /** The full analysis: every detector. */
    run: () => serialised(ALL_GROUPS),
    /** Forecasts and leak detection only (the predictive-maintenance job). */
    runPredictive: () => serialised(['predictive']),
  };
}

/**
 * A breach seen again by a later run overlaps the stored one: keep the stored episode's key
 * and start, so the lookback window sliding past its start does not split it in two.
 */
function continueEpisodes(drafts: FindingDraft[], stored: readonly Finding[]): FindingDraft[] {
  return drafts.map((draft) => {
    const match = stored.find(
      (f) =>
        f.kind === draft.kind &&
        f.agent_name === draft.agent_name &&
        f.metric === draft.metric &&
        f.episode_key !== draft.episode_key &&
        f.ended_at >= draft.started_at &&
        f.started_at <= draft.ended_at,
    );
    if (!match) return draft;
    const started_at = match.started_at < draft.started_at ? match.started_at : draft.started_at;
    return { ...draft, episode_key: match.episode_key, started_at };
  });
}

/** Worse severity than when rejected, or the headline value 50 % further past its threshold. */
function clearlyWorse(rejected: Improvement, proposal: Proposal): boolean {
  if (proposal.severity === Severity.critical && PRIORITY_RANK[rejected.priority] < PRIORITY_RANK.critical) return true;
  const before = Number(rejected.estimated_impact.current_value);
  const threshold = Number(rejected.estimated_impact.threshold);
  if (!Number.isFinite(before) || !Number.isFinite(threshold)) return false;
  const distanceBefore = Math.abs(before - threshold);
  const distanceNow = Math.abs(proposal.value - threshold);
  return distanceNow >= 1.5 * Math.max(distanceBefore, 1e-9);
}
