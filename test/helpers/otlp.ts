/** Builders of OTLP JSON exports (the OTLP JSON mapping), for tests that need exact points and times. */

const ns = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

export type Attrs = Record<string, string | number | boolean>;

export function attributes(attrs: Attrs = {}) {
  return Object.entries(attrs).map(([key, value]) => ({
    key,
    value: typeof value === 'string' ? { stringValue: value } : typeof value === 'boolean' ? { boolValue: value } : Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value },
  }));
}

export const CUMULATIVE = 2;
export const DELTA = 1;

export interface HistogramPointSpec {
  attrs?: Attrs;
  startMs: number;
  timeMs: number;
  count: number;
  sum: number;
}

export const histogram = (name: string, points: HistogramPointSpec[], temporality = CUMULATIVE) => ({
  name,
  unit: 's',
  histogram: {
    aggregationTemporality: temporality,
    dataPoints: points.map((p) => ({ attributes: attributes(p.attrs), startTimeUnixNano: ns(p.startMs), timeUnixNano: ns(p.timeMs), count: String(p.count), sum: p.sum })),
  },
});

export interface NumberPointSpec {
  attrs?: Attrs;
  startMs?: number;
  timeMs: number;
  value: number;
}

const numberPoints = (points: NumberPointSpec[]) =>
  points.map((p) => ({
    attributes: attributes(p.attrs),
    ...(p.startMs !== undefined ? { startTimeUnixNano: ns(p.startMs) } : {}),
    timeUnixNano: ns(p.timeMs),
    ...(Number.isInteger(p.value) ? { asInt: String(p.value) } : { asDouble: p.value }),
  }));

export const gauge = (name: string, points: NumberPointSpec[]) => ({ name, gauge: { dataPoints: numberPoints(points) } });

export const sum = (name: string, points: NumberPointSpec[], { monotonic = true, temporality = CUMULATIVE } = {}) => ({
  name,
  sum: { aggregationTemporality: temporality, isMonotonic: monotonic, dataPoints: numberPoints(points) },
});

export function exportOf(resources: Array<{ attrs: Attrs; metrics: unknown[] }>) {
  return {
    resourceMetrics: resources.map((r) => ({ resource: { attributes: attributes(r.attrs) }, scopeMetrics: [{ scope: { name: 'test' }, metrics: r.metrics }] })),
  };
}

/** One agent's export: its service.name and metrics. */
export const agentExport = (agent: string, metrics: unknown[], extra: Attrs = {}) => exportOf([{ attrs: { 'service.name': agent, ...extra }, metrics }]);
