import { parseArgs } from 'node:util';
import { apiClient, Refused } from './client.js';
import { COMMANDS, UsageError, type Command } from './commands.js';

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout(text: string): void;
  stderr(text: string): void;
  fetch?: typeof fetch;
}

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  status: { type: 'string' },
  reason: { type: 'string' },
  'data-dir': { type: 'string' },
  match: { type: 'string', multiple: true },
  for: { type: 'string' },
  until: { type: 'string' },
  starts: { type: 'string' },
  comment: { type: 'string' },
  'created-by': { type: 'string' },
  state: { type: 'string' },
} as const;

const DEFAULT_URL = 'http://127.0.0.1:8081';

function overview(): string {
  return [
    'Usage: meta-agent <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.usage.padEnd(52)} ${c.summary}`),
    `  ${'serve'.padEnd(52)} Run the built server as it is (npm run serve); configured by META_AGENT_* and the config file.`,
    '',
    'Options:',
    `  --url <url>      the server (default: META_AGENT_URL, else ${DEFAULT_URL})`,
    '  --token <token>  an API token (default: META_AGENT_TOKEN)',
    '  --json           print the data as JSON, for scripts',
    '  --help           this help, or a command\'s',
    '',
    'Exit codes: 0 done, 1 refused by the server (its message is printed), 2 bad usage.',
  ].join('\n');
}

/** The command named by the longest run of leading words. */
function find(words: string[]): { command: Command; args: string[] } | undefined {
  const matches = COMMANDS.filter((c) => c.words.every((w, i) => words[i] === w)).sort((a, b) => b.words.length - a.words.length);
  const command = matches[0];
  return command && { command, args: words.slice(command.words.length) };
}

/** Runs the CLI; answers the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${overview()}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const found = find(positionals);
  if (!found) {
    if (values.help || positionals.length === 0) {
      io.stdout(`${overview()}\n`);
      return values.help ? 0 : 2;
    }
    io.stderr(`unknown command: ${positionals.join(' ')}\n\n${overview()}\n`);
    return 2;
  }
  const { command, args } = found;
  const usage = `Usage: meta-agent ${command.usage}\n\n${command.summary}\n`;
  if (values.help) {
    io.stdout(usage);
    return 0;
  }
  if (args.length !== command.args) {
    io.stderr(`${command.words.join(' ')} takes ${command.args === 0 ? 'no arguments' : `${command.args} argument${command.args > 1 ? 's' : ''}`}, got ${args.length}\n\n${usage}`);
    return 2;
  }
  const url = values.url ?? io.env.META_AGENT_URL ?? DEFAULT_URL;
  try {
    new URL(url);
  } catch {
    io.stderr(`--url ${url} is not a URL such as ${DEFAULT_URL}\n`);
    return 2;
  }
  try {
    await command.run({
      api: apiClient(url, values.token ?? io.env.META_AGENT_TOKEN, io.fetch),
      args,
      options: values,
      env: io.env,
      print: (human, data) => io.stdout(`${values.json ? JSON.stringify(data, null, 2) : human}\n`),
    });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof Refused) {
      io.stderr(`${error.message}\n`);
      return 1;
    }
    io.stderr(`meta-agent: ${(error as Error).message}\n`);
    return 1;
  }
}
