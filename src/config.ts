import path from 'node:path';
import { z } from 'zod';
import { AGENT_NAME_PATTERN, AGENT_NAME_RULE } from './domain/agent-name.js';
import type { Thresholds } from './domain/thresholds.js';
import { ImprovementType, Priority, Severity, SpecialistRole } from './domain/enums.js';
import { MATCHER_NAMES } from './domain/silence.js';
import { regexProblem } from './inputs/silence.js';
import { Role as AuthRole } from './auth/roles.js';

/** What secretEnv / passwordEnv may name. */
export const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

const seconds = (min: number, max: number) => z.number().int().min(min).max(max);

const ThresholdsSchema = z.strictObject({
  response_time: z.number().positive().default(30.0),
  success_rate: z.number().min(0).max(1).default(0.8),
  cpu_usage: z.number().positive().default(80.0),
  memory_usage: z.number().positive().max(100).default(85.0),
  error_rate: z.number().min(0).max(1).default(0.1),
});

const AgentTargetSchema = z.strictObject({
  name: z.string().regex(AGENT_NAME_PATTERN, `must be ${AGENT_NAME_RULE}`),
  healthUrl: z.url({ protocol: /^https?$/ }).optional(),
  pid: z.number().int().positive().optional(),
  processPattern: z
    .string()
    .min(1)
    .max(200)
    .refine(isRegExp, 'must be a valid regular expression')
    .optional(),
  memoryLimitMb: z.number().positive().optional(),
});

/** A silence matcher, as in the API (domain/silence.ts). */
const MatcherSchema = z
  .strictObject({
    name: z.enum(MATCHER_NAMES),
    value: z.string().max(256),
    isRegex: z.boolean().default(false),
    isEqual: z.boolean().default(true),
  })
  .superRefine((m, ctx) => {
    const problem = m.isRegex ? regexProblem(m.value) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['value'] });
  });

/** By default an agent gone offline says it all: its other notices wait until it is back. */
const OFFLINE_SAYS_IT_ALL = {
  source_matchers: [{ name: 'kind' as const, value: 'offline', isRegex: false, isEqual: true }],
  target_matchers: [{ name: 'kind' as const, value: 'offline', isRegex: false, isEqual: false }],
  equal: ['agent' as const],
};

const InhibitRuleSchema = z.strictObject({
  source_matchers: z.array(MatcherSchema).min(1).max(32),
  target_matchers: z.array(MatcherSchema).min(1).max(32),
  equal: z.array(z.enum(MATCHER_NAMES)).max(MATCHER_NAMES.length).default([]),
});

const AutoApproveSchema = z.strictObject({
  /** Recorded as the approver: policy:<name>. */
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1 to 64 characters of A-Z, a-z, 0-9, "_", "." or "-"'),
  /** Improvement types it may approve; absent: any. */
  types: z.array(z.enum(ImprovementType)).min(1).optional(),
  /** The most urgent priority it may approve. */
  maxPriority: z.enum(Priority).default('low'),
  minConfidence: z.number().min(0).max(1).default(0.8),
  /** Agents whose suggestions it may approve; absent: any. */
  agents: z.array(z.string().regex(AGENT_NAME_PATTERN, `must be ${AGENT_NAME_RULE}`)).min(1).optional(),
  /** Approvals per agent per UTC day, so a flapping detector cannot approve work in a loop. */
  maxPerAgentPerDay: z.number().int().min(1).max(1000).default(3),
});

const Role = z.enum(SpecialistRole);
const MinSeverity = z.enum(Severity);

const SecretRef = {
  /** The secret itself, or the name of the environment variable holding it. */
  secret: z.string().min(1).max(4096).optional(),
  secretEnv: z.string().regex(ENV_NAME, 'must be an environment variable name').optional(),
};

const WebhookSchema = z.strictObject({ url: z.url({ protocol: /^https?$/ }), ...SecretRef });

const ChannelSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('log'), name: z.string().min(1).max(64), minSeverity: MinSeverity.default('info') }),
  z.strictObject({
    type: z.enum(['webhook', 'slack']),
    name: z.string().min(1).max(64),
    url: z.url({ protocol: /^https?$/ }),
    ...SecretRef,
    minSeverity: MinSeverity.default('critical'),
  }),
  z.strictObject({
    type: z.literal('email'),
    name: z.string().min(1).max(64),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    secure: z.boolean().default(false),
    user: z.string().optional(),
    password: z.string().optional(),
    passwordEnv: z.string().regex(ENV_NAME, 'must be an environment variable name').optional(),
    from: z.string().min(3),
    to: z.array(z.string().min(3)).min(1),
    minSeverity: MinSeverity.default('critical'),
  }),
]);

const TokenSchema = z
  .strictObject({
    role: z.enum(AuthRole),
    token: z.string().min(16, 'must be at least 16 characters').max(512).optional(),
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (the SHA-256 of the token)').optional(),
    name: z.string().regex(/^[A-Za-z0-9_.@:-]{1,64}$/, 'must be 1 to 64 characters of A-Z, a-z, 0-9, _ . @ : -').optional(),
  })
  .refine((t) => (t.token === undefined) !== (t.sha256 === undefined), 'give exactly one of token and sha256');

export const ConfigSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8081),
  dataDir: z.string().min(1).default('./meta_agent_data'),
  logFile: z.string().default('./meta_agent.log'),
  /** PostgreSQL instead of SQLite in dataDir (META_AGENT_DATABASE_URL); the password never appears in logs or health. */
  databaseUrl: z
    .string()
    .refine((url) => /^postgres(ql)?:\/\//.test(url) && URL.canParse(url), 'must be a postgres:// or postgresql:// URL, e.g. postgres://user:password@host:5432/database')
    .optional(),
  /** Redis that carries live events between replicas (META_AGENT_REDIS_URL); unset: in this process only. */
  redisUrl: z
    .string()
    .refine((url) => /^rediss?:\/\//.test(url) && URL.canParse(url), 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379')
    .optional(),
  /** This replica's name in health.cluster and the logs (META_AGENT_INSTANCE_ID); unique per process when unset. */
  instanceId: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1 to 128 characters of A-Z, a-z, 0-9, _ . : -').optional(),
  /** FULL also survives power loss, at some cost to write speed; NORMAL survives a process crash. */
  synchronous: z.enum(['NORMAL', 'FULL']).default('NORMAL'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  thresholds: ThresholdsSchema.prefault({}),
  intervals: z
    .strictObject({
      health: seconds(1, 86_400).default(30),
      analysis: seconds(1, 86_400).default(300),
      predictive: seconds(1, 86_400).default(600),
      reports: seconds(1, 86_400).default(300),
      retention: seconds(60, 7 * 86_400).default(86_400),
      /** Lease expiry, verification and delivery retries. */
      coordination: seconds(1, 3600).default(15),
    })
    .prefault({}),
  health: z
    .strictObject({
      /** Window over which "current" agent and fleet metrics are computed. */
      windowSeconds: seconds(10, 86_400).default(300),
      /** An agent with no sample or check for this long is offline. */
      offlineAfterSeconds: seconds(10, 30 * 86_400).default(300),
      /** Each pull check gives up after this long; keep it under the health interval. */
      checkTimeoutSeconds: z.number().positive().max(300).default(5),
    })
    .prefault({}),
  retention: z
    .strictObject({
      /** Raw samples and health snapshots. */
      rawDays: z.number().positive().max(3650).default(15),
      fiveMinuteDays: z.number().positive().max(36_500).default(90),
      hourlyDays: z.number().positive().max(36_500).default(730),
      findingsDays: z.number().positive().max(36_500).default(90),
    })
    .prefault({}),
  analysis: z
    .strictObject({
      /** Raw samples the threshold detector keeps in view. */
      lookbackHours: z.number().positive().max(168).default(6),
      /** A breach counts when it lasts this many samples and this long: one spike is not a breach. */
      minBreachPoints: z.number().int().min(1).max(1000).default(3),
      minBreachSeconds: seconds(0, 86_400).default(60),
      /** A breach ends only when the value recovers this fraction past the threshold. */
      hysteresis: z.number().min(0).max(0.9).default(0.1),
      trendHours: z.number().min(1).max(168).default(24),
      /** Mann–Kendall p-value below which a trend counts. */
      trendSignificance: z.number().gt(0).max(0.2).default(0.01),
      /** A 5-minute mean past the extremes of its two days of history is anomalous from this many robust standard deviations. */
      anomalyScore: z.number().min(2).max(50).default(6),
      anomalyHours: z.number().positive().max(24).default(6),
      forecastHours: z.number().min(1).max(72).default(6),
      forecastHorizonHours: z.number().positive().max(720).default(24),
      leakHours: z.number().min(2).max(72).default(12),
      /** Share of the fleet's latency or errors from which one agent is a bottleneck. */
      bottleneckShare: z.number().gt(0).max(1).default(0.5),
      /** A shift that begins this many minutes after an agent's version changed is attributed to the change (0: never). */
      changeWindowMinutes: z.number().min(0).max(1440).default(30),
      /** A rejected suggestion stays quiet this long unless its problem clearly worsens. */
      rejectQuietHours: z.number().min(0).max(8760).default(24),
    })
    .prefault({}),
  coordination: z
    .strictObject({
      /** Which specialist role gets an approved improvement of each type. */
      routing: z
        .strictObject({
          performance: Role.default('performance_analyst'),
          efficiency: Role.default('performance_analyst'),
          reliability: Role.default('code_editor'),
          security: Role.default('code_editor'),
          maintainability: Role.default('code_editor'),
          scalability: Role.default('system_architect'),
          functionality: Role.default('system_architect'),
        })
        .prefault({}),
      /** Failures of an agent whose latency and resources are fine are an output-quality problem. */
      promptEngineerForQuality: z.boolean().default(true),
      leaseSeconds: seconds(10, 86_400).default(300),
      /** Per role: POST each assignment to this URL (HMAC-SHA256 signed) besides the subscription. */
      webhooks: z.partialRecord(Role, WebhookSchema).default({}),
      builtinPerformanceAnalyst: z
        .strictObject({ enabled: z.boolean().default(true), handOffTo: Role.default('code_editor') })
        .prefault({}),
      verification: z
        .strictObject({
          /** Wait this long after completion before the "after" window starts. */
          settleMinutes: z.number().min(0).max(1440).default(5),
          windowMinutes: z.number().min(1).max(10_080).default(30),
          /** Relative change of the metric that counts as improved or regressed. */
          minChange: z.number().gt(0).max(1).default(0.1),
        })
        .prefault({}),
      delivery: z
        .strictObject({ attempts: z.number().int().min(1).max(20).default(5), backoffSeconds: z.number().min(0.01).max(3600).default(2) })
        .prefault({}),
    })
    .prefault({}),
  notifications: z
    .strictObject({
      channels: z.array(ChannelSchema).default([{ type: 'log', name: 'log', minSeverity: 'info' }]),
      /** The same problem of the same agent is announced at most once per cooldown. */
      cooldownMinutes: z.number().min(0).max(10_080).default(30),
      /** A problem that changes state this often within the window is flapping and held back. */
      flapping: z
        .strictObject({ changes: z.number().int().min(2).max(100).default(4), windowMinutes: z.number().min(1).max(1440).default(60) })
        .prefault({}),
      digest: z.strictObject({ enabled: z.boolean().default(false), hourUtc: z.number().int().min(0).max(23).default(8) }).prefault({}),
      /** Inhibition rules (Alertmanager's): [] turns inhibition off. */
      inhibit: z.array(InhibitRuleSchema).max(100).default([OFFLINE_SAYS_IT_ALL]),
      /** A deploy or restart event keeps its agent quiet this long (POST /api/agents/{name}/events). */
      deployQuietMinutes: z.number().min(0).max(1440).default(10),
    })
    .prefault({}),
  /** Who may approve what without a person, and what needs more than one. */
  policies: z
    .strictObject({
      autoApprove: z.array(AutoApproveSchema).max(100).default([]),
      /** Approvals from different operators a suggestion of this priority needs, e.g. {"critical": 2}. */
      requireApprovals: z.partialRecord(z.enum(Priority), z.number().int().min(1).max(10)).default({}),
    })
    .prefault({}),
  reports: z.strictObject({ keep: z.number().int().min(1).max(100_000).default(288) }).prefault({}),
  limits: z
    .strictObject({
      maxBodyBytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(8 * 1024 * 1024),
      maxBatchSamples: z.number().int().min(1).max(100_000).default(5000),
      maxRowsPerQuery: z.number().int().min(1).max(1_000_000).default(10_000),
      /** Live subscriptions one websocket may hold; the next one is refused. */
      maxSubscriptionsPerSocket: z.number().int().min(1).max(10_000).default(50),
      /** Open websockets per client address (loopback exempt with http.rateLimit.exemptLoopback); the next is refused with 429. */
      maxWebsocketsPerAddress: z.number().int().min(1).max(100_000).default(100),
      /** Events a subscriber of suggestions, findings or assignments may leave unread before it is ended. */
      subscriptionBacklog: z.number().int().min(100).max(1_000_000).default(10_000),
      /** Events per second written to all subscribers together, shared fairly; keeps CPU for requests. */
      subscriptionEventsPerSecond: z.number().int().min(100).max(10_000_000).default(25_000),
    })
    .prefault({}),
  graphql: z
    .strictObject({
      graphiql: z.boolean().default(true),
      introspection: z.boolean().default(true),
      maxDepth: z.number().int().min(2).max(100).default(12),
      maxAliases: z.number().int().min(1).max(1000).default(15),
      maxTokens: z.number().int().min(100).max(100_000).default(2000),
      maxCost: z.number().int().min(10).max(1_000_000).default(20_000),
      maxDirectives: z.number().int().min(1).max(1000).default(10),
    })
    .prefault({}),
  auth: z.strictObject({ tokens: z.array(TokenSchema).default([]) }).prefault({}),
  http: z
    .strictObject({
      /** Browser origins allowed to call the API cross-site (CORS and CSRF); same-origin always is. */
      allowedOrigins: z.array(z.url()).default([]),
      rateLimit: z
        .strictObject({
          /** Sustained requests per second per token, with bursts up to `burst`. */
          perTokenPerSecond: z.number().positive().max(1e6).default(200),
          /** The same for requests without a token, per client address. */
          perAddressPerSecond: z.number().positive().max(1e6).default(50),
          burst: z.number().int().min(1).max(1e6).default(400),
          /** Agents on the same host are trusted not to flood it. */
          exemptLoopback: z.boolean().default(true),
        })
        .prefault({}),
      maxWebsocketMessageBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
      /** A client must send its request headers within this (Node's default is 60 s)... */
      headersTimeoutSeconds: z.number().min(1).max(300).default(10),
      /** ...and the whole request within this (Node's default is 300 s). */
      requestTimeoutSeconds: z.number().min(1).max(3600).default(60),
      /** An idle keep-alive connection is closed after this. */
      keepAliveTimeoutSeconds: z.number().min(1).max(600).default(5),
    })
    .prefault({}),
  registry: z
    .strictObject({
      /** An agent neither heard from nor checked for this long leaves the registry (its history stays). */
      retireAfterDays: z.number().positive().max(3650).default(30),
      /** New agent names an agent-role token may register per 24 hours; beyond it, 429. */
      maxNewAgentsPerDay: z.number().int().min(1).max(10_000_000).default(10_000),
    })
    .prefault({}),
  agents: z.array(AgentTargetSchema).default([]),
}).refine((c) => c.http.headersTimeoutSeconds <= c.http.requestTimeoutSeconds, {
  path: ['http', 'headersTimeoutSeconds'],
  message: 'must not exceed http.requestTimeoutSeconds',
});

export type Config = z.infer<typeof ConfigSchema>;
// The config file's thresholds are the domain's Thresholds: a change to one that breaks the other fails here.
const _thresholdsFit: Thresholds = {} as Config['thresholds'];
void _thresholdsFit;

function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
export type AgentTarget = z.infer<typeof AgentTargetSchema>;

/** A Config with every default, for tests and library callers. */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return ConfigSchema.parse(overrides);
}

/** The SQLite database's file name in the data directory. */
export const DATABASE_FILE = 'enhanced_meta_agent.db';

export function resolveDataPaths(config: Config) {
  const dataDir = path.resolve(config.dataDir);
  return {
    dataDir,
    database: path.join(dataDir, DATABASE_FILE),
    statusFile: path.join(dataDir, 'system_status.json'),
    reportsDir: path.join(dataDir, 'system_reports'),
  };
}
