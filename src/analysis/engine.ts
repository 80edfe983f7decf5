import type { FindingDraft } from '../domain/finding.js';
import { attributeChanges } from './changes.js';
import type { Detector, DetectorContext, DetectorGroup } from './context.js';
import { detectAnomalies } from './detectors/anomalies.js';
import { detectBottlenecks } from './detectors/bottlenecks.js';
import { detectForecasts } from './detectors/forecasts.js';
import { detectLeaks } from './detectors/leaks.js';
import { detectSilence } from './detectors/silence.js';
import { detectThresholds } from './detectors/thresholds.js';
import { detectTrends } from './detectors/trends.js';

/** The detector table; each is a pure function of the context and its `now`. */
export const DETECTORS: readonly Detector[] = [
  { name: 'silence', group: 'analysis', detect: detectSilence },
  { name: 'thresholds', group: 'analysis', detect: detectThresholds },
  { name: 'trends', group: 'analysis', detect: detectTrends },
  { name: 'anomalies', group: 'analysis', detect: detectAnomalies },
  { name: 'bottlenecks', group: 'analysis', detect: detectBottlenecks },
  { name: 'forecasts', group: 'predictive', detect: detectForecasts },
  { name: 'leaks', group: 'predictive', detect: detectLeaks },
];

export const ALL_GROUPS: readonly DetectorGroup[] = ['analysis', 'predictive'];

/** Everything the chosen detectors find in one run, and how long each took. */
export function analyze(context: DetectorContext, groups: readonly DetectorGroup[] = ALL_GROUPS) {
  const findings: FindingDraft[] = [];
  const timings: Record<string, number> = {};
  for (const detector of DETECTORS) {
    if (!groups.includes(detector.group)) continue;
    const started = performance.now();
    findings.push(...detector.detect(context));
    timings[detector.name] = Math.round((performance.now() - started) * 10) / 10;
  }
  return { findings: attributeChanges(findings, context), timings };
}
