/**
 * The demo fleet's agents: healthy ones with noise and a daily rhythm, and scripted
 * faults (a memory leak, a gradual slow-down, an error burst, an agent that goes silent).
 * Pure functions of time and a seeded random source, so a run is repeatable.
 */
export interface DemoSample {
  agent_name: string;
  timestamp: string;
  response_time: number;
  success_rate: number;
  error_count: number;
  requests: number;
  insights_generated: number;
  memory_usage: number;
  cpu_usage: number;
  research_cycles?: number;
}

export interface DemoAgent {
  name: string;
  /** What the fault is, for the console. */
  story: string;
  /** The sample for one interval ending at `t`; null when the agent is silent. */
  sample(t: number, random: () => number): DemoSample | null;
}

const HOUR = 3_600_000;

/** Mulberry32: small, fast, good enough for noise. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Business hours are busier: +-25 % around the mean, peaking at 15:00 UTC. */
const daily = (t: number) => 1 + 0.25 * Math.sin((2 * Math.PI * ((t / HOUR) % 24 - 9)) / 24);
const noisy = (value: number, spread: number, random: () => number) => value * (1 + spread * (random() * 2 - 1));
const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

function base(name: string, t: number, random: () => number, p: { rt: number; success: number; memory: number; cpu: number; requests: number }): DemoSample {
  const load = daily(t);
  const requests = Math.max(1, Math.round(noisy(p.requests * load, 0.2, random)));
  const success = Math.min(1, Math.max(0, p.success + (random() - 0.5) * 0.02));
  const errors = Math.round(requests * (1 - success));
  return {
    agent_name: name,
    timestamp: new Date(t).toISOString(),
    response_time: round(noisy(p.rt * load, 0.12, random)),
    success_rate: round((requests - errors) / requests, 4),
    error_count: errors,
    requests,
    insights_generated: Math.round(noisy(3 * load, 0.5, random)),
    memory_usage: round(noisy(p.memory, 0.02, random), 1),
    cpu_usage: round(noisy(p.cpu * load, 0.15, random), 1),
  };
}

/**
 * `start` is when the demo began (ms): live faults are timed from it, histories end there.
 * An agent named in `healed` behaves like its healthy self from then on (its fix was completed).
 */
export function demoFleet(start: number, healed: ReadonlySet<string> = new Set()): DemoAgent[] {
  const faulty = (name: string, healthy: DemoAgent['sample'], fault: DemoAgent['sample']): DemoAgent['sample'] => (t, r) =>
    healed.has(name) ? healthy(t, r) : fault(t, r);
  return [
    {
      name: 'alpha_hunter',
      story: 'healthy, busier in business hours',
      sample: (t, r) => ({ ...base('alpha_hunter', t, r, { rt: 3, success: 0.97, memory: 420, cpu: 35, requests: 40 }), research_cycles: 1 }),
    },
    {
      name: 'trade_executor',
      story: 'healthy and fast',
      sample: (t, r) => base('trade_executor', t, r, { rt: 0.4, success: 0.995, memory: 260, cpu: 20, requests: 120 }),
    },
    {
      name: 'sentiment_analyzer',
      story: 'healthy LLM agent with a daily rhythm',
      sample: (t, r) => base('sentiment_analyzer', t, r, { rt: 6, success: 0.96, memory: 900, cpu: 45, requests: 60 }),
    },
    {
      name: 'market_scanner',
      story: 'gradual slow-down: response time climbs ~9 s an hour toward the 30 s threshold',
      sample: faulty(
        'market_scanner',
        (t, r) => base('market_scanner', t, r, { rt: 8, success: 0.96, memory: 380, cpu: 30, requests: 30 }),
        (t, r) => {
          const s = base('market_scanner', t, r, { rt: 1, success: 0.96, memory: 380, cpu: 30, requests: 30 });
          s.response_time = round(noisy(28 + (9 * (t - start)) / HOUR, 0.05, r));
          return s;
        },
      ),
    },
    {
      name: 'portfolio_optimizer',
      story: 'memory leak: resident memory grows ~150 MB an hour',
      sample: faulty(
        'portfolio_optimizer',
        (t, r) => base('portfolio_optimizer', t, r, { rt: 4, success: 0.98, memory: 900, cpu: 40, requests: 20 }),
        (t, r) => {
          const s = base('portfolio_optimizer', t, r, { rt: 4, success: 0.98, memory: 1, cpu: 40, requests: 20 });
          s.memory_usage = round(1200 + (150 * (t - start)) / HOUR + (r() - 0.5) * 6, 1);
          return s;
        },
      ),
    },
    {
      name: 'risk_assessor',
      story: 'error burst: from 30 s to 3.5 min after start, half its operations fail',
      sample: (t, r) => {
        const s = base('risk_assessor', t, r, { rt: 2, success: 0.98, memory: 310, cpu: 25, requests: 50 });
        if (!healed.has('risk_assessor') && t >= start + 30_000 && t < start + 210_000) {
          s.error_count = Math.round(s.requests * 0.5);
          s.success_rate = round(1 - s.error_count / s.requests, 4);
        }
        return s;
      },
    },
    {
      name: 'news_reader',
      story: 'goes silent: last report 8 minutes before the demo started',
      sample: (t, r) =>
        t > start - 8 * 60_000 && !healed.has('news_reader') ? null : base('news_reader', t, r, { rt: 1.5, success: 0.99, memory: 200, cpu: 10, requests: 25 }),
    },
  ];
}
