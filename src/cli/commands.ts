import type { ApiClient } from './client.js';
import { backupSqlite } from './backup.js';
import { Refused } from './client.js';
import { table } from './table.js';
import { parseDuration, parseMatcherArg } from './silence-args.js';
import { formatMatcher, type Matcher } from '../domain/silence.js';

export interface CommandContext {
  api: ApiClient;
  /** Positional arguments after the command's own words. */
  args: string[];
  options: {
    status?: string;
    reason?: string;
    'data-dir'?: string;
    match?: string[];
    for?: string;
    until?: string;
    starts?: string;
    comment?: string;
    'created-by'?: string;
    state?: string;
  };
  env: Record<string, string | undefined>;
  /** Prints for people, or the data as JSON with --json. */
  print(human: string, data: unknown): void;
}

export interface Command {
  /** The words that name it, e.g. ['improvements', 'show']. */
  words: string[];
  usage: string;
  summary: string;
  /** How many positional arguments it takes. */
  args: number;
  run(ctx: CommandContext): Promise<void>;
}

/** A command given the wrong arguments: exit code 2 with its usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type Row = Record<string, unknown>;
const rows = (answer: Row) => (answer.data ?? []) as Row[];
const id = (value: string) => encodeURIComponent(value);

export const COMMANDS: Command[] = [
  {
    words: ['status'],
    usage: 'status',
    summary: 'Whether monitoring runs, the performance score and improvement counts.',
    args: 0,
    async run({ api, print }) {
      const data = (await api.get('/api/meta-agent/status')).data as Row;
      const lines = [
        `monitoring   ${data.meta_agent_active ? 'running' : 'stopped'}`,
        `score        ${data.performance_score ?? '-'}`,
        `improvements ${['pending', 'approved', 'in_progress', 'completed', 'rejected', 'failed'].map((s) => `${s} ${data[`${s}_improvements`] ?? 0}`).join(', ')}`,
      ];
      print(lines.join('\n'), data);
    },
  },
  {
    words: ['agents'],
    usage: 'agents',
    summary: 'Every agent with its health, why, and when it was last seen.',
    args: 0,
    async run({ api, print }) {
      const agents = rows(await api.get('/api/agents/status'));
      print(table(['NAME', 'HEALTH', 'LAST SEEN', 'SAMPLES', 'WHY'], agents.map((a) => [a.name as string, a.health as string, a.last_seen as string, a.sample_count as number, a.health_reason as string])), agents);
    },
  },
  {
    words: ['improvements', 'show'],
    usage: 'improvements show <id>',
    summary: 'One improvement suggestion with its evidence, plan and history.',
    args: 1,
    async run({ api, args, print }) {
      const data = (await api.get(`/api/meta-agent/improvements/${id(args[0]!)}`)).data as Row;
      const lines = [
        `${data.id}  ${data.status}  ${data.priority}  ${data.type}`,
        String(data.title),
        '',
        String(data.description),
        '',
        `assigned to   ${data.assigned_agent ?? '-'}`,
        `confidence    ${data.confidence}`,
        `decided       ${data.decided_by ? `${data.decided_by} at ${data.decided_at}${data.decision_reason ? `: ${data.decision_reason}` : ''}` : '-'}`,
        '',
        'plan:',
        JSON.stringify(data.implementation_plan, null, 2),
      ];
      print(lines.join('\n'), data);
    },
  },
  {
    words: ['improvements'],
    usage: 'improvements [--status <status>]',
    summary: 'Improvement suggestions, newest first (status: pending, approved, in_progress, completed, rejected, failed).',
    args: 0,
    async run({ api, options, print }) {
      const query = options.status ? `?status=${id(options.status)}` : '';
      const list = rows(await api.get(`/api/meta-agent/improvements${query}`));
      print(table(['ID', 'STATUS', 'PRIORITY', 'TYPE', 'AGENT', 'TITLE'], list.map((i) => [i.id as string, i.status as string, i.priority as string, i.type as string, i.assigned_agent as string, i.title as string])), list);
    },
  },
  {
    words: ['approve'],
    usage: 'approve <id> [--reason …]',
    summary: 'Approve a pending suggestion.',
    args: 1,
    async run({ api, args, options, print }) {
      const answer = await api.post(`/api/meta-agent/improvements/${id(args[0]!)}/approve`, options.reason ? { reason: options.reason } : undefined);
      print(String(answer.message), answer.data);
    },
  },
  {
    words: ['reject'],
    usage: 'reject <id> --reason …',
    summary: 'Reject a pending suggestion, saying why.',
    args: 1,
    async run({ api, args, options, print }) {
      if (!options.reason) throw new UsageError('reject needs --reason: the audit trail keeps why');
      const answer = await api.post(`/api/meta-agent/improvements/${id(args[0]!)}/reject`, { reason: options.reason });
      print(String(answer.message), answer.data);
    },
  },
  {
    words: ['silence', 'add'],
    usage: 'silence add --match agent=x [--match …] (--for 30m | --until <time>) --comment …',
    summary: 'Silence what the matchers match (name=value, !=, =~ regex, !~; names: agent, metric, kind, severity, type).',
    args: 0,
    async run({ api, options, print }) {
      const matchers = (options.match ?? []).map((text) => {
        const matcher = parseMatcherArg(text);
        if (!matcher) throw new UsageError(`--match ${text} is not a matcher such as agent=trade_executor, kind!=trend or agent=~batch_.*`);
        return matcher;
      });
      if (matchers.length === 0) throw new UsageError('silence add needs at least one --match');
      if (!options.comment) throw new UsageError('silence add needs --comment: the audit trail keeps why');
      if ((options.for === undefined) === (options.until === undefined)) throw new UsageError('silence add needs one of --for (e.g. 30m, 2h) and --until (an ISO-8601 time)');
      const startsAt = options.starts ?? new Date().toISOString();
      let endsAt = options.until;
      if (options.for !== undefined) {
        const ms = parseDuration(options.for);
        if (ms === undefined) throw new UsageError(`--for ${options.for} is not a duration such as 90s, 30m, 2h, 1h30m or 1d`);
        const from = Date.parse(startsAt);
        if (Number.isNaN(from)) throw new UsageError(`--starts ${startsAt} is not an ISO-8601 time`);
        endsAt = new Date(from + ms).toISOString();
      }
      const body = { matchers, startsAt, endsAt, comment: options.comment, ...(options['created-by'] ? { createdBy: options['created-by'] } : {}) };
      const answer = await api.post('/api/meta-agent/silences', body);
      print(`silence ${answer.silenceID} created, until ${endsAt}`, answer.data);
    },
  },
  {
    words: ['silence', 'list'],
    usage: 'silence list [--state active|pending|expired]',
    summary: 'Silences with their state, matchers, end and comment.',
    args: 0,
    async run({ api, options, print }) {
      const query = options.state ? `?state=${id(options.state)}` : '';
      const list = rows(await api.get(`/api/meta-agent/silences${query}`));
      print(
        table(
          ['ID', 'STATE', 'MATCHERS', 'ENDS', 'CREATED BY', 'COMMENT'],
          list.map((s) => [s.id as string, (s.status as Row).state as string, (s.matchers as Matcher[]).map(formatMatcher).join(' '), s.endsAt as string, s.createdBy as string, s.comment as string]),
        ),
        list,
      );
    },
  },
  {
    words: ['silence', 'expire'],
    usage: 'silence expire <id> [--reason …]',
    summary: 'End a silence now; its record stays.',
    args: 1,
    async run({ api, args, options, print }) {
      const query = options.reason ? `?reason=${encodeURIComponent(options.reason)}` : '';
      const answer = await api.delete(`/api/meta-agent/silences/${id(args[0]!)}${query}`);
      print(String(answer.message), answer.data);
    },
  },
  {
    words: ['reports'],
    usage: 'reports',
    summary: 'Report files, newest first.',
    args: 0,
    async run({ api, print }) {
      const list = rows(await api.get('/api/meta-agent/reports'));
      print(table(['FILENAME', 'TIME', 'SCORE', 'ACTIVE', 'FAILED'], list.map((r) => [r.filename as string, r.timestamp as string, r.performance_score as number, r.active_agents as number, r.failed_agents as number])), list);
    },
  },
  {
    words: ['report'],
    usage: 'report <filename>',
    summary: 'One report, as JSON.',
    args: 1,
    async run({ api, args, print }) {
      const data = (await api.get(`/api/meta-agent/reports/${id(args[0]!)}`)).data;
      print(JSON.stringify(data, null, 2), data);
    },
  },
  {
    words: ['backup'],
    usage: 'backup <file> [--data-dir meta_agent_data]',
    summary: "A consistent copy of the SQLite database, taken while the server runs (run it on the server's machine).",
    args: 1,
    async run({ args, options, env, print }) {
      if (env.META_AGENT_DATABASE_URL) {
        throw new Refused('this server keeps its data in PostgreSQL (META_AGENT_DATABASE_URL): back it up with pg_dump, e.g. pg_dump --format=custom --file=meta-agent.dump "$META_AGENT_DATABASE_URL"');
      }
      const result = await backupSqlite(options['data-dir'] ?? env.META_AGENT_DATA_DIR ?? 'meta_agent_data', args[0]!);
      print(`backed up ${result.source} to ${result.target} (${result.pages} pages)`, result);
    },
  },
];
