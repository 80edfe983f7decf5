import { seededRandom } from './fleet.js';

const HOUR = 3_600_000;

export interface ScenarioAgent {
  name: string;
  /** For a healthy agent: the nuisance it shows (what must not be taken for a fault). */
  nuisance?: string;
  /** The fault and when it starts (ms from the live start); healthy when absent. */
  fault?: { kind: 'leak' | 'slowdown' | 'error_burst' | 'silence' | 'cpu_saturation' | 'token_creep'; at: number; expectedType: string[] };
  sample(t: number): Record<string, number | string> | null;
}

/**
 * A trading fleet with known injected faults next to healthy agents that have noise and a
 * daily rhythm (±25 %, busiest at 15:00 UTC). `live` is when the faults begin to be possible.
 */
export function scenarioFleet(live: number, seed = 1): ScenarioAgent[] {
  const random = seededRandom(seed);
  const jitter = (value: number, spread: number) => value * (1 + spread * (random() * 2 - 1));
  const daily = (t: number) => 1 + 0.25 * Math.sin((2 * Math.PI * ((t / HOUR) % 24 - 9)) / 24);
  const healthy = (name: string, rt: number, success: number, memory: number, cpu: number, requests: number) => (t: number) => {
    const load = daily(t);
    const n = Math.max(1, Math.round(jitter(requests * load, 0.15)));
    const errors = Math.round(n * (1 - success) * (0.5 + random()));
    return {
      agent_name: name,
      timestamp: new Date(t).toISOString(),
      response_time: +jitter(rt * load, 0.15).toFixed(3),
      success_rate: +((n - errors) / n).toFixed(4),
      error_count: errors,
      requests: n,
      memory_usage: +jitter(memory, 0.02).toFixed(1),
      cpu_usage: +jitter(cpu * load, 0.15).toFixed(1),
      insights_generated: Math.round(jitter(3, 0.5)),
      version: '1.0.0',
    } as Record<string, number | string>;
  };
  const after = (t: number, at: number) => t >= live + at;
  // The LLM agents draw from their own sequence, so the rest of the fleet is the same with or without them.
  const llmRandom = seededRandom(seed + 1000);
  const llmJitter = (value: number, spread: number) => value * (1 + spread * (llmRandom() * 2 - 1));
  /** An LLM agent: `tokensPerRequest(t)` tokens per request (a fifth of them output), ±20 % from request to request. */
  const llm = (name: string, tokensPerRequest: (t: number) => number) => (t: number) => {
    const load = daily(t);
    const n = Math.max(1, Math.round(llmJitter(12 * load, 0.2)));
    const tokens = n * llmJitter(tokensPerRequest(t), 0.2);
    return {
      agent_name: name,
      timestamp: new Date(t).toISOString(),
      response_time: +llmJitter(4 * load, 0.2).toFixed(3),
      success_rate: 1,
      error_count: 0,
      requests: n,
      memory_usage: +llmJitter(600, 0.02).toFixed(1),
      cpu_usage: +llmJitter(15 * load, 0.15).toFixed(1),
      input_tokens: Math.round(tokens * 0.8),
      output_tokens: Math.round(tokens * 0.2),
      version: '1.0.0',
    } as Record<string, number | string>;
  };
  const hourly = (t: number) => Math.sin((2 * Math.PI * (t % HOUR)) / HOUR);
  return [
    {
      name: 'cycle_runner',
      nuisance: 'an hourly cycle: response time ±45 %, CPU ±50 %, far below every threshold',
      sample: (t) => {
        const s = healthy('cycle_runner', 2, 0.99, 350, 30, 40)(t);
        s.response_time = +jitter(2 * (1 + 0.45 * hourly(t)), 0.05).toFixed(3);
        s.cpu_usage = +jitter(30 * (1 + 0.5 * hourly(t)), 0.05).toFixed(1);
        return s;
      },
    },
    {
      name: 'one_spike',
      nuisance: 'one sample over the response-time threshold, normal before and after',
      sample: (t) => {
        const s = healthy('one_spike', 1, 0.99, 250, 20, 30)(t);
        if (t >= live + HOUR && t < live + HOUR + 30_000) s.response_time = 45;
        return s;
      },
    },
    {
      name: 'restarter',
      nuisance: 'a restart every 6 hours: a minute without samples, memory back to its base, a CPU blip, no leak',
      sample: (t) => {
        const sinceRestart = (t - live + 100 * HOUR) % (6 * HOUR);
        if (sinceRestart < 60_000) return null;
        const s = healthy('restarter', 1.5, 0.99, 500, 25, 30)(t);
        s.memory_usage = +jitter(sinceRestart < 10 * 60_000 ? 300 + sinceRestart / 3000 : 500, 0.02).toFixed(1);
        if (sinceRestart < 3 * 60_000) s.cpu_usage = +jitter(60, 0.05).toFixed(1);
        return s;
      },
    },
    {
      name: 'deployer',
      nuisance: 'a deploy: a new version, response time 15 % higher and CPU 10 % lower from then on, still far below thresholds',
      sample: (t) => {
        const s = healthy('deployer', 2.5, 0.99, 400, 30, 30)(t);
        const deployed = after(t, 90 * 60_000);
        if (deployed) {
          s.version = '1.1.0';
          s.response_time = +(Number(s.response_time) * 1.15).toFixed(3);
          s.cpu_usage = +(Number(s.cpu_usage) * 0.9).toFixed(1);
        }
        return s;
      },
    },
    {
      name: 'gappy',
      nuisance: 'missing data: one sample in three is lost, and a 3-minute gap every hour',
      sample: (t) => {
        if (random() < 0.33 || t % HOUR < 3 * 60_000) return null;
        return healthy('gappy', 1, 0.99, 200, 15, 20)(t);
      },
    },
    {
      name: 'research_writer',
      nuisance: 'an LLM agent whose tokens per request swing ±20 % from request to request and ±25 % over the day, without a trend',
      sample: llm('research_writer', (t) => 1800 * daily(t)),
    },
    { name: 'alpha_hunter', sample: healthy('alpha_hunter', 3, 0.98, 420, 35, 40) },
    { name: 'trade_executor', sample: healthy('trade_executor', 0.4, 0.995, 260, 20, 120) },
    { name: 'sentiment_analyzer', sample: healthy('sentiment_analyzer', 6, 0.95, 900, 45, 15) },
    { name: 'compliance_checker', sample: healthy('compliance_checker', 1.2, 0.99, 300, 15, 30) },
    { name: 'order_router', sample: healthy('order_router', 0.2, 0.999, 150, 10, 200) },
    {
      name: 'portfolio_optimizer',
      fault: { kind: 'leak', at: 0, expectedType: ['reliability', 'efficiency'] },
      sample: (t) => {
        const s = healthy('portfolio_optimizer', 4, 0.98, 800, 40, 20)(t);
        if (after(t, 0)) s.memory_usage = +(800 + ((t - live) / HOUR) * 100 + jitter(1, 0.5) * 5).toFixed(1);
        return s;
      },
    },
    {
      name: 'market_scanner',
      fault: { kind: 'slowdown', at: 0, expectedType: ['performance'] },
      sample: (t) => {
        const s = healthy('market_scanner', 8, 0.97, 380, 30, 30)(t);
        if (after(t, 0)) s.response_time = +jitter(8 + ((t - live) / HOUR) * 3, 0.08).toFixed(3);
        return s;
      },
    },
    {
      name: 'risk_assessor',
      fault: { kind: 'error_burst', at: 2 * HOUR, expectedType: ['reliability'] },
      sample: (t) => {
        const s = healthy('risk_assessor', 2, 0.98, 310, 25, 50)(t);
        if (after(t, 2 * HOUR)) s.version = '1.1.0'; // the deploy that brought the burst
        if (after(t, 2 * HOUR) && t < live + 2 * HOUR + 10 * 60_000) {
          const errors = Math.round(Number(s.requests) * 0.4);
          s.error_count = errors;
          s.success_rate = +(1 - errors / Number(s.requests)).toFixed(4);
        }
        return s;
      },
    },
    {
      name: 'news_reader',
      fault: { kind: 'silence', at: HOUR, expectedType: ['reliability'] },
      sample: (t) => (after(t, HOUR) ? null : healthy('news_reader', 1.5, 0.99, 200, 10, 25)(t)),
    },
    {
      name: 'report_drafter',
      fault: { kind: 'token_creep', at: 0, expectedType: ['efficiency'] },
      // Prompts that keep growing (history never trimmed): 1,500 tokens per request, 250 more every hour.
      sample: llm('report_drafter', (t) => 1500 + (after(t, 0) ? ((t - live) / HOUR) * 250 : 0)),
    },
    {
      name: 'quant_model',
      fault: { kind: 'cpu_saturation', at: 3 * HOUR, expectedType: ['efficiency'] },
      sample: (t) => {
        const s = healthy('quant_model', 5, 0.98, 1500, 50, 10)(t);
        if (after(t, 3 * HOUR)) s.cpu_usage = +jitter(95, 0.03).toFixed(1);
        return s;
      },
    },
  ];
}

/** Every sample of the fleet in [from, to), one per agent every stepMs. */
export function samplesBetween(fleet: ScenarioAgent[], from: number, to: number, stepMs = 30_000) {
  const samples: Array<Record<string, number | string>> = [];
  for (let t = from; t < to; t += stepMs) {
    for (const agent of fleet) {
      const s = agent.sample(t);
      if (s) samples.push(s);
    }
  }
  return samples;
}
