import { readFileSync } from 'node:fs';
import { parseTokenList } from './auth/tokens.js';
import { ConfigSchema, ENV_NAME, type Config } from './config.js';

/** Environment variables (the contract in DESIGN.md) and where each lands in Config. */
const ENV_MAP: ReadonlyArray<[name: string, path: string[], kind: 'string' | 'number']> = [
  ['META_AGENT_HOST', ['host'], 'string'],
  ['META_AGENT_PORT', ['port'], 'number'],
  ['META_AGENT_DATA_DIR', ['dataDir'], 'string'],
  ['META_AGENT_DATABASE_URL', ['databaseUrl'], 'string'],
  ['META_AGENT_INSTANCE_ID', ['instanceId'], 'string'],
  ['META_AGENT_REDIS_URL', ['redisUrl'], 'string'],
  ['META_AGENT_LOG_FILE', ['logFile'], 'string'],
  ['META_AGENT_LOG_LEVEL', ['logLevel'], 'string'],
  ['META_AGENT_HEALTH_INTERVAL_S', ['intervals', 'health'], 'number'],
  ['META_AGENT_ANALYSIS_INTERVAL_S', ['intervals', 'analysis'], 'number'],
  ['META_AGENT_PREDICTIVE_INTERVAL_S', ['intervals', 'predictive'], 'number'],
  ['META_AGENT_REPORT_INTERVAL_S', ['intervals', 'reports'], 'number'],
  ['META_AGENT_RETENTION_DAYS', ['retention', 'rawDays'], 'number'],
];
const TOKENS_VARIABLE = 'META_AGENT_API_TOKENS';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Builds the one validated Config from defaults, the optional JSON file named by
 * META_AGENT_CONFIG, and the environment (highest precedence). Every problem is
 * reported at once, each naming the variable or file key that caused it.
 */
export function loadConfig(env: Env = process.env, overrides: Record<string, unknown> = {}): Config {
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  const sourceOf = new Map<string, string>();

  const file = env.META_AGENT_CONFIG;
  if (file) {
    const fromFile = readConfigFile(file, problems);
    if (fromFile) Object.assign(raw, fromFile);
  }

  for (const [name, keyPath, kind] of ENV_MAP) {
    const value = env[name];
    // Empty is unset, except for the log file, where it means "stdout only".
    if (value === undefined || (value === '' && name !== 'META_AGENT_LOG_FILE')) continue;
    sourceOf.set(keyPath.join('.'), name);
    setPath(raw, keyPath, kind === 'number' ? parseEnvNumber(value) : value);
  }
  Object.assign(raw, overrides);

  // Tokens from the environment join those of the file; a token is never echoed in a problem.
  const tokenList = env[TOKENS_VARIABLE];
  if (tokenList) {
    const { specs, problems: tokenProblems } = parseTokenList(tokenList);
    problems.push(...tokenProblems.map((p) => `${TOKENS_VARIABLE}: ${p}`));
    const auth = (raw.auth ?? {}) as { tokens?: unknown };
    raw.auth = { ...auth, tokens: [...(Array.isArray(auth.tokens) ? auth.tokens : []), ...specs] };
  }

  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.');
      const label = sourceOf.get(key) ?? (file ? `${file}: ${key || '(root)'}` : key || '(root)');
      problems.push(`${label}: ${issue.message}`);
    }
  }
  // Secrets are read into the parsed config; an unset one is reported with the other problems
  // (from the raw config when it failed, skipping what the schema already found wrong there).
  const issuePaths = parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.')).filter((p) => p !== '');
  const alreadyReported = (where: string) => issuePaths.some((p) => where === p || where.startsWith(`${p}.`));
  for (const ref of secretRefs(parsed.success ? parsed.data : raw)) {
    if (!parsed.success && (alreadyReported(ref.where) || !ENV_NAME.test(ref.variable))) continue;
    const value = env[ref.variable];
    if (value === undefined || value === '') problems.push(`${file ? `${file}: ` : ''}${ref.where}: names ${ref.variable}, which is not set`);
    else if (parsed.success) ref.owner[ref.key] = value;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed.data!;
}

interface SecretRef {
  where: string;
  variable: string;
  owner: Record<string, unknown>;
  key: 'secret' | 'password';
}

/** The `secretEnv` / `passwordEnv` fields naming environment variables, in a parsed or raw config. */
function* secretRefs(config: unknown): Generator<SecretRef> {
  const root = config as { coordination?: { webhooks?: unknown }; notifications?: { channels?: unknown } } | undefined;
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const webhooks = root?.coordination?.webhooks;
  for (const [role, hook] of Object.entries(isObject(webhooks) ? webhooks : {})) {
    if (isObject(hook) && typeof hook.secretEnv === 'string') {
      yield { where: `coordination.webhooks.${role}.secretEnv`, variable: hook.secretEnv, owner: hook, key: 'secret' };
    }
  }
  const channels = root?.notifications?.channels;
  for (const [i, channel] of (Array.isArray(channels) ? channels : []).entries()) {
    if (!isObject(channel)) continue;
    if (typeof channel.secretEnv === 'string') yield { where: `notifications.channels.${i}.secretEnv`, variable: channel.secretEnv, owner: channel, key: 'secret' };
    if (typeof channel.passwordEnv === 'string') yield { where: `notifications.channels.${i}.passwordEnv`, variable: channel.passwordEnv, owner: channel, key: 'password' };
  }
}

function readConfigFile(file: string, problems: string[]): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(`META_AGENT_CONFIG: cannot read ${file}: ${(error as Error).message}`);
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${file}: must hold a JSON object`);
      return undefined;
    }
    return value as Record<string, unknown>;
  } catch (error) {
    problems.push(`${file}: not valid JSON: ${(error as Error).message}`);
    return undefined;
  }
}

/** A plain decimal, as in query strings (no hex or exponents; surrounding blanks and a CRLF file's \\r are fine); otherwise the string, so the schema names the bad value. */
function parseEnvNumber(value: string): number | string {
  const trimmed = value.trim();
  return /^-?\d+(?:\.\d+)?$/.test(trimmed) ? Number(trimmed) : value;
}

function setPath(target: Record<string, unknown>, keyPath: string[], value: unknown): void {
  let node = target;
  for (const key of keyPath.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keyPath[keyPath.length - 1]!] = value;
}
