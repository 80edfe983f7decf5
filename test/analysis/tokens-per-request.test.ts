import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.js';
import type { RawRow } from '../../src/domain/analysis-rows.js';
import { analysisInit } from '../../src/services/analysis.js';
import { createAnalysisState } from '../../src/analysis/state.js';
import { metricSeries } from '../../src/analysis/series.js';

const NOW = Date.parse('2026-11-25T12:00:00.000Z');
const BUCKET_START = NOW - 10 * 60_000;
const row = (i: number, requests: number | null, input: number | null, output: number | null): RawRow => ({
  id: i + 1,
  agent_name: 'llm',
  timestamp: new Date(BUCKET_START + i * 30_000).toISOString(),
  response_time: 1,
  success_rate: 1,
  error_count: 0,
  requests,
  cpu_usage: null,
  memory_usage: null,
  input_tokens: input,
  output_tokens: output,
});

describe('tokens per request', () => {
  it('pairs tokens with requests of the same samples, per sample and per bucket', () => {
    const rows = [
      row(0, 10, 1000, 200), // 120 per request
      row(1, 10, null, null), // requests without tokens: not a request that cost nothing
      row(2, null, 5000, 0), // tokens without requests: no ratio
      row(3, 20, 3000, null), // 150 per request
    ];
    expect(metricSeries(rows, 'tokens_per_request').map((p) => p.v)).toEqual([120, 150]);
    const state = createAnalysisState(analysisInit(defaultConfig(), { engine: 'sqlite', file: ':memory:' }).windows);
    state.addRows(rows, NOW);
    const [bucket] = state.buckets('llm', 'tokens_per_request', 'fiveMinute', NOW);
    // (1,200 + 3,000) / (10 + 20): the samples that report both, and nothing else.
    expect(bucket!.v).toBe(140);
  });
});
