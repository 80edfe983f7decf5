import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config-loader.js';

const file = (content: unknown) => {
  const p = path.join(mkdtempSync(path.join(tmpdir(), 'meta-agent-config-')), 'config.json');
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
};

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration', () => {
  it("defaults to the seed's values", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8081,
      dataDir: './meta_agent_data',
      logFile: './meta_agent.log',
      thresholds: { response_time: 30, success_rate: 0.8, cpu_usage: 80, memory_usage: 85, error_rate: 0.1 },
      intervals: { health: 30, analysis: 300, predictive: 600, reports: 300 },
      retention: { rawDays: 15 },
    });
  });

  it('reads the documented environment variables', () => {
    const config = loadConfig({
      META_AGENT_HOST: '0.0.0.0',
      META_AGENT_PORT: '9090',
      META_AGENT_DATA_DIR: '/var/lib/meta',
      META_AGENT_LOG_FILE: '/var/log/meta.log',
      META_AGENT_HEALTH_INTERVAL_S: '10',
      META_AGENT_ANALYSIS_INTERVAL_S: '60',
      META_AGENT_PREDICTIVE_INTERVAL_S: '120',
      META_AGENT_REPORT_INTERVAL_S: '90',
      META_AGENT_RETENTION_DAYS: '30',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 9090,
      dataDir: '/var/lib/meta',
      logFile: '/var/log/meta.log',
      intervals: { health: 10, analysis: 60, predictive: 120, reports: 90 },
      retention: { rawDays: 30 },
    });
  });

  it('merges a JSON file under the environment', () => {
    const p = file({ port: 7000, thresholds: { response_time: 5 }, intervals: { health: 15 } });
    const config = loadConfig({ META_AGENT_CONFIG: p, META_AGENT_HEALTH_INTERVAL_S: '20' });
    expect(config.port).toBe(7000);
    expect(config.thresholds).toMatchObject({ response_time: 5, success_rate: 0.8 });
    expect(config.intervals).toMatchObject({ health: 20, analysis: 300 });
  });

  it('reports every problem at once, naming the variable or file key', () => {
    const p = file({ thresholds: { response_time: -1, sucess_rate: 0.5 }, agents: [{ name: 'bad name' }] });
    const problems = problemsOf(() => loadConfig({ META_AGENT_CONFIG: p, META_AGENT_PORT: 'abc', META_AGENT_REPORT_INTERVAL_S: '0' }));
    const text = problems.join('\n');
    expect(text).toMatch(/META_AGENT_PORT/);
    expect(text).toMatch(/META_AGENT_REPORT_INTERVAL_S/);
    expect(text).toMatch(/thresholds\.response_time/);
    expect(text).toMatch(/sucess_rate/);
    expect(text).toMatch(/agents\.0\.name/);
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });

  it('names an unreadable or malformed file', () => {
    expect(problemsOf(() => loadConfig({ META_AGENT_CONFIG: '/nonexistent/meta.json' }))[0]).toMatch(/cannot read \/nonexistent\/meta.json/);
    expect(problemsOf(() => loadConfig({ META_AGENT_CONFIG: file('{"port": 80,') }))[0]).toMatch(/not valid JSON/);
    expect(problemsOf(() => loadConfig({ META_AGENT_CONFIG: file('[1]') }))[0]).toMatch(/must hold a JSON object/);
  });

  it('reports an unset secret together with the other problems, naming the file', () => {
    const p = file({ port: -1, coordination: { webhooks: { code_editor: { url: 'http://127.0.0.1:9/hook', secretEnv: 'EDITOR_HOOK_SECRET' } } } });
    const problems = problemsOf(() => loadConfig({ META_AGENT_CONFIG: p }));
    expect(problems).toContain(`${p}: coordination.webhooks.code_editor.secretEnv: names EDITOR_HOOK_SECRET, which is not set`);
    expect(problems.some((x) => x.startsWith(`${p}: port:`))).toBe(true);
    const fixed = file({ coordination: { webhooks: { code_editor: { url: 'http://127.0.0.1:9/hook', secretEnv: 'EDITOR_HOOK_SECRET' } } } });
    expect(loadConfig({ META_AGENT_CONFIG: fixed, EDITOR_HOOK_SECRET: 's3cret' }).coordination.webhooks.code_editor?.secret).toBe('s3cret');
  });

  it('takes an empty META_AGENT_LOG_FILE as stdout only, and other empty variables as unset', () => {
    expect(loadConfig({ META_AGENT_LOG_FILE: '' }).logFile).toBe('');
    expect(loadConfig({ META_AGENT_PORT: '' }).port).toBe(8081);
  });

  it.each(['0x4770', '1e4', '8082abc', '80 82'])('reads numbers in variables as plain decimals only: %j is refused', (value) => {
    expect(problemsOf(() => loadConfig({ META_AGENT_PORT: value }))[0]).toMatch(/^META_AGENT_PORT: /);
  });

  it('forgives blanks around a number, and the \\r of a CRLF env file', () => {
    expect(loadConfig({ META_AGENT_PORT: ' 8082 ' }).port).toBe(8082);
    expect(loadConfig({ META_AGENT_PORT: '8083\r' }).port).toBe(8083);
  });

  it('does not add a "not set" problem for a secret reference the schema already refused', () => {
    const p = file({ coordination: { webhooks: { code_editor: { url: 'http://127.0.0.1:9/hook', secretEnv: 'bad-name' } } } });
    const problems = problemsOf(() => loadConfig({ META_AGENT_CONFIG: p }));
    expect(problems).toEqual([`${p}: coordination.webhooks.code_editor.secretEnv: must be an environment variable name`]);
  });
});

describe('the README', () => {
  it("loads the README's full config example as printed, every key at its default", () => {
    const readme = readFileSync(path.join(import.meta.dirname, '../README.md'), 'utf8');
    const from = readme.indexOf('```json', readme.indexOf('The file, with every key and its default'));
    const example = readme.slice(from + '```json'.length, readme.indexOf('```', from + 7));
    const config = loadConfig({ META_AGENT_CONFIG: file(example), EDITOR_HOOK_SECRET: 'secret' });
    const defaults = loadConfig({});
    for (const key of ['limits', 'http', 'registry', 'intervals', 'health', 'retention', 'analysis', 'graphql', 'notifications', 'policies'] as const) {
      expect(config[key]).toEqual(defaults[key]);
    }
  });
});
