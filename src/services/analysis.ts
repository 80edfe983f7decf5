import { ErrorCode, isAppError } from '../errors.js';
import { watchLoopDelay } from '../collectors/loop-delay.js';
import type { DetectorGroup } from '../analysis/context.js';
import { ALL_GROUPS } from '../analysis/engine.js';
import type { AnalysisRunner } from '../analysis/runner.js';
import type { WorkerInit } from '../analysis/worker.js';
import type { AnalysisSource } from '../store/analysis-source.js';
import { proposeImprovements, type Proposal } from '../analysis/suggest.js';
import { ANOMALY_HISTORY_MS } from '../analysis/detectors/anomalies.js';
import { toIso } from '../clock.js';
import { ImprovementStatus, Priority, PRIORITY_RANK, Severity } from '../domain/enums.js';
import type { Finding, FindingDraft } from '../domain/finding.js';
import { Outcome, type Improvement, type ImprovementDraft } from '../domain/improvement.js';
import type { Lifecycle } from '../coordination/lifecycle.js';
import type { FindingEvent } from '../events/topics.js';
import type { Actor, ServiceDeps } from './deps.js';
import { HOUR } from '../domain/units.js';
import { silencedBy, type Silence } from '../domain/silence.js';
import { findingLabels } from '../analysis/labels.js';
import type { SilenceService } from './silences.js';
import type { PolicyService } from './policies.js';

export interface AnalysisResult {
  started_at: string;
  duration_ms: number;
  /** The longest the server's event loop was held up while this run went on (the detectors run in a worker). */
  main_thread_max_delay_ms: number;
  findings: Finding[];
  improvements_created: Improvement[];
  improvements_updated: Improvement[];
  /** Pending suggestions whose problem is no longer seen. */
  improvements_cleared: Improvement[];
  /** Problems that would have raised a suggestion but every finding of which a silence hides. */
  suggestions_silenced: Array<{ problem: string; silenced_by: string[] }>;
}

const ANALYST: Actor = { id: 'meta-agent:analysis' };
const OPEN: readonly string[] = [ImprovementStatus.pending, ImprovementStatus.approved, ImprovementStatus.in_progress];

export type AnalysisService = ReturnType<typeof createAnalysisService>;

/** The analysis settings and the state windows the worker keeps, from the Config. */
export function analysisInit(config: ServiceDeps['config'], source: AnalysisSource): WorkerInit {
  const a = config.analysis;
  const memoryLimitsMb = Object.fromEntries(config.agents.flatMap((x) => (x.memoryLimitMb ? [[x.name, x.memoryLimitMb]] : [])));
  return {
    source,
    settings: {
      thresholds: config.thresholds,
      hysteresis: a.hysteresis,
      minBreachPoints: a.minBreachPoints,
      minBreachMs: a.minBreachSeconds * 1000,
      offlineAfterMs: config.health.offlineAfterSeconds * 1000,
      memoryLimitsMb,
      trendHours: a.trendHours,
      trendSignificance: a.trendSignificance,
      anomalyScore: a.anomalyScore,
      anomalyHours: a.anomalyHours,
      forecastHours: a.forecastHours,
      forecastHorizonHours: a.forecastHorizonHours,
      leakHours: a.leakHours,
      bottleneckShare: a.bottleneckShare,
      changeWindowMinutes: a.changeWindowMinutes,
    },
    windows: {
      rawMs: a.lookbackHours * HOUR,
      // Anomalies compare with the two days before the evaluated hours; trends, forecasts and leaks use their own windows.
      fiveMinuteMs: Math.max(ANOMALY_HISTORY_MS + (a.anomalyHours + 1) * HOUR, (Math.max(a.trendHours, a.forecastHours, a.leakHours) + 1) * HOUR),
      hourlyMs: 8 * 24 * HOUR,
    },
  };
}

export function createAnalysisService(
  deps: ServiceDeps,
  lifecycle: Lifecycle,
  runner: AnalysisRunner,
  { silences, policies }: { silences: Pick<SilenceService, 'active'>; policies: Pick<PolicyService, 'review'> },
) {
  const { store, config, clock, logger, bus } = deps;
  const log = logger.child({ module: 'analysis' });
  let running: Promise<AnalysisResult> | undefined;
  // Episodes seen again by a later run are matched against what was stored in this span.
  const continuationMs = 2 * Math.max(config.intervals.analysis, config.intervals.predictive) * 1000 + config.analysis.lookbackHours * HOUR;

  async function runOnce(groups: readonly DetectorGroup[]): Promise<AnalysisResult> {
    const started = clock.now();
    const startedHr = performance.now();
    const delay = watchLoopDelay(5);
    const phases: Record<string, number> = {};
    const mark = (name: string, since: number) => (phases[name] = Math.round((performance.now() - since) * 10) / 10);
    let t = performance.now();
    // A fresh worker seeds its state from the rollups, so they should be current first; a warm one
    // reads the raw rows after its own cursor, so the folding (in chunks that yield) goes on without it.
    const folding = store.rollups.update();
    if (!runner.warm) await folding;
    else folding.catch((error: unknown) => log.error({ err: error }, 'folding rows into the rollups failed'));
    mark('rollups', t);
    t = performance.now();
    const [{ findings: drafts, timings, rows_read }, recent, active] = await Promise.all([
      runner.run(started, groups),
      store.findings.list({ sinceIso: toIso(started - continuationMs), limit: 100_000 }),
      silences.active(started),
    ]);
    mark('worker', t);
    t = performance.now();
    const at = toIso(started);
    const { records, silencedNow } = withSilences(continueEpisodes(drafts, recent, config.intervals.analysis * 2000), recent, active);
    const findings = await store.findings.upsert(records, at);
    publishFindingChanges(findings, recent, at);
    mark('store_findings', t);

    const result: AnalysisResult = {
      started_at: at,
      duration_ms: 0,
      main_thread_max_delay_ms: 0,
      findings,
      improvements_created: [],
      improvements_updated: [],
      improvements_cleared: [],
      suggestions_silenced: [],
    };
    const silencedById = new Map(findings.flatMap((f) => (silencedNow.has(f.episode_key) ? [[f.id, silencedNow.get(f.episode_key)!] as const] : [])));
    const proposed = proposeImprovements(findings);
    for (const proposal of proposed) await applyProposal(proposal, at, result, hiddenBy(proposal, silencedById));
    // Only a run of every detector can tell that a problem is gone.
    if (groups.length === ALL_GROUPS.length) {
      await markCleared(new Set(proposed.filter((p) => p.active).map((p) => p.draft.fingerprint!)), at, result);
    }
    result.duration_ms = Math.round((performance.now() - startedHr) * 10) / 10;
    delay.stop();
    result.main_thread_max_delay_ms = delay.maxMs();
    log.info(
      {
        groups,
        rows_read,
        timings,
        findings: findings.length,
        created: result.improvements_created.length,
        updated: result.improvements_updated.length,
        cleared: result.improvements_cleared.length,
        silenced: result.suggestions_silenced.length,
        duration_ms: result.duration_ms,
        main_thread_max_delay_ms: result.main_thread_max_delay_ms,
        phases,
      },
      'analysis run',
    );
    return result;
  }

  /** New episodes, and episodes whose span, value or severity moved, go to findingEvents subscribers. */
  function publishFindingChanges(findings: readonly Finding[], before: readonly Finding[], at: string): void {
    const previous = new Map(before.map((f) => [f.episode_key, f]));
    const events: FindingEvent[] = [];
    for (const finding of findings) {
      const old = previous.get(finding.episode_key);
      if (!old) events.push({ kind: 'new', at, finding });
      else if (old.ended_at !== finding.ended_at || old.value !== finding.value || old.severity !== finding.severity) {
        events.push({ kind: 'updated', at, finding });
      }
    }
    if (events.length > 0) bus.publish('finding:recorded', events);
  }

  /**
   * One open suggestion per problem: refresh it when something changed. A closed one is raised
   * again only for a recurrence: an episode that began after it was closed (episodes the closed
   * work addressed never count again), or, when the fix had no effect or failed, the problem
   * still going on. A rejected one stays quiet for its quiet period unless the problem got
   * clearly worse. A new suggestion after a closed one names it and links it (follow_up_of).
   */
  async function applyProposal(proposal: Proposal, at: string, result: AnalysisResult, silencedBy: string[]): Promise<void> {
    let draft = await withTrackRecord(proposal.draft);
    proposal = { ...proposal, draft };
    const existing = await store.improvements.latestByFingerprint(draft.fingerprint!);
    const fresh = draft.evidence.filter((id) => !existing?.evidence.includes(id));
    if (!existing || !OPEN.includes(existing.status)) {
      // Hidden by a silence: nothing new is raised; once it ends, the next run raises it if the problem is still there.
      if (silencedBy.length > 0) {
        result.suggestions_silenced.push({ problem: draft.fingerprint!, silenced_by: silencedBy });
        return;
      }
      if (existing) {
        const again = recurrence(existing, proposal);
        if (!again) return;
        if (existing.status === ImprovementStatus.rejected && isQuiet(existing, at) && !clearlyWorse(existing, proposal)) return;
        draft = { ...draft, follow_up_of: existing.id, description: `${again} ${draft.description}` };
      }
      try {
        const created = await lifecycle.suggest(draft, ANALYST);
        result.improvements_created.push((await policies.review(created)) ?? created);
      } catch (error) {
        // Raised meanwhile by another writer (a verification's follow-up): that one stands, and the next run refreshes it.
        if (!isAppError(error) || error.code !== ErrorCode.conflict) throw error;
      }
      return;
    }
    const changed =
      fresh.length > 0 ||
      (proposal.active && existing.problem_cleared_at !== null) ||
      (existing.status === ImprovementStatus.pending && existing.priority !== draft.priority) ||
      existing.estimated_impact.current_value !== proposal.value ||
      existing.confidence !== draft.confidence;
    if (changed) await refresh(existing, proposal, [...existing.evidence, ...fresh], at, result, silencedBy);
  }

  /** Why a closed suggestion's problem deserves a new one, or undefined when it does not. */
  function recurrence(closed: Improvement, proposal: Proposal): string | undefined {
    const closedAt = closed.completion_time ?? closed.decided_at ?? closed.updated_at;
    const reopened = (closed.status === ImprovementStatus.completed && closed.outcome === Outcome.no_effect) || closed.status === ImprovementStatus.failed;
    if (reopened && proposal.active) {
      const how = closed.status === ImprovementStatus.failed ? 'failed' : 'had no effect';
      return `The work on ${closed.id} ${how}; the problem is still there.`;
    }
    const recurred = proposal.episodes.filter((e) => e.started_at > closedAt);
    if (recurred.length === 0) return undefined;
    return `Again after ${closed.id} was ${closed.status} at ${closedAt}: ${recurred.length} new episode${recurred.length === 1 ? '' : 's'} since.`;
  }

  async function refresh(existing: Improvement, proposal: Proposal, evidence: number[], at: string, result: AnalysisResult, silencedBy: string[]) {
    const { draft } = proposal;
    const updated = await lifecycle.refresh(
      existing,
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
      ANALYST,
      silencedBy,
    );
    if (updated) result.improvements_updated.push(updated);
  }

  async function markCleared(activeProblems: Set<string>, at: string, result: AnalysisResult): Promise<void> {
    for (const improvement of await store.improvements.list(ImprovementStatus.pending)) {
      if (!improvement.fingerprint || activeProblems.has(improvement.fingerprint) || improvement.problem_cleared_at) continue;
      const updated = await lifecycle.clear(improvement, ANALYST);
      if (updated) result.improvements_cleared.push(updated); // else decided meanwhile
    }
  }

  /**
   * How earlier suggestions of this kind turned out scales the confidence: with s the share
   * that improved things (Laplace-smoothed, 0.5 with no history), confidence × (0.5 + s).
   */
  async function withTrackRecord(draft: ImprovementDraft): Promise<ImprovementDraft> {
    const record = draft.problem_family ? await store.improvements.trackRecord(draft.problem_family) : { improved: 0, no_effect: 0, regressed: 0 };
    const total = record.improved + record.no_effect + record.regressed;
    const share = (record.improved + 1) / (total + 2);
    const confidence = Math.round(Math.min(0.99, Math.max(0.05, draft.confidence * (0.5 + share))) * 1000) / 1000;
    return { ...draft, confidence, estimated_impact: { ...draft.estimated_impact, track_record: { ...record, improved_share: Math.round(share * 1000) / 1000 } } };
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

/** Kinds that describe a state re-evaluated each run, so consecutive runs' findings are one episode. */
const ONGOING_KINDS: ReadonlySet<string> = new Set(['trend', 'forecast', 'leak', 'bottleneck']);

/**
 * An episode seen again by a later run overlaps the stored one (or, for an ongoing state,
 * follows it within `gapMs`): keep the stored key and start, so the window sliding past its
 * start does not split it, and each run does not add a row.
 */
function continueEpisodes(drafts: FindingDraft[], stored: readonly Finding[], gapMs: number): FindingDraft[] {
  const series = (f: { kind: string; agent_name: string | null; metric: string }) => `${f.kind}|${f.agent_name ?? ''}|${f.metric}`;
  const bySeries = new Map<string, Finding[]>();
  for (const finding of stored) {
    const list = bySeries.get(series(finding));
    if (list) list.push(finding);
    else bySeries.set(series(finding), [finding]);
  }
  return drafts.map((draft) => {
    const gap = ONGOING_KINDS.has(draft.kind) ? gapMs : 0;
    const reach = toIso(Date.parse(draft.started_at) - gap);
    const match = (bySeries.get(series(draft)) ?? []).find(
      (f) =>
        f.kind === draft.kind &&
        f.agent_name === draft.agent_name &&
        f.metric === draft.metric &&
        f.episode_key !== draft.episode_key &&
        f.ended_at >= reach &&
        f.started_at <= draft.ended_at,
    );
    if (!match) return draft;
    const started_at = match.started_at < draft.started_at ? match.started_at : draft.started_at;
    return { ...draft, episode_key: match.episode_key, started_at };
  });
}

/**
 * Each finding with the silences that cover it now (silencedNow, by episode) and, in its record,
 * every silence that ever covered the episode: history keeps the mark after the silence ends.
 */
function withSilences(drafts: FindingDraft[], stored: readonly Finding[], active: readonly Silence[]) {
  const before = new Map(stored.map((f) => [f.episode_key, f.silenced_by]));
  const silencedNow = new Map<string, string[]>();
  const records = drafts.map((draft) => {
    const now = active.length > 0 ? silencedBy(active, findingLabels(draft)) : [];
    if (now.length > 0) silencedNow.set(draft.episode_key, now);
    const earlier = before.get(draft.episode_key) ?? [];
    return { ...draft, silenced_by: [...new Set([...earlier, ...now])] };
  });
  return { records, silencedNow };
}

/** The silences hiding a problem: those over its findings, when every one of them is hidden; else none. */
function hiddenBy(proposal: Proposal, silencedById: ReadonlyMap<number, readonly string[]>): string[] {
  const ids = new Set<string>();
  for (const { id } of proposal.episodes) {
    const by = silencedById.get(id);
    if (!by) return [];
    for (const silence of by) ids.add(silence);
  }
  return [...ids];
}

/** Worse severity than when rejected, or the headline value 50 % further past its threshold. */
function clearlyWorse(rejected: Improvement, proposal: Proposal): boolean {
  if (proposal.severity === Severity.critical && PRIORITY_RANK[rejected.priority] < PRIORITY_RANK.critical) return true;
  const before = rejected.estimated_impact.current_value;
  // No threshold (a trend's or leak's own level): distances from zero.
  const threshold = rejected.estimated_impact.threshold ?? 0;
  if (!Number.isFinite(before)) return false;
  const distanceBefore = Math.abs(before - threshold);
  const distanceNow = Math.abs(proposal.value - threshold);
  return distanceNow >= 1.5 * Math.max(distanceBefore, 1e-9);
}
