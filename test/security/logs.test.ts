import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServerProcess, tempDataDir } from '../helpers/process.js';
import { writeFileSync } from 'node:fs';

describe('logs', () => {
  it('log every refusal with its reason and never a token, password or secret', async () => {
    const dataDir = tempDataDir();
    const configFile = path.join(dataDir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        coordination: { webhooks: { code_editor: { url: 'http://127.0.0.1:9/hook', secret: 'webhook-secret-XYZ' } } },
        notifications: {
          channels: [
            { type: 'log', name: 'log' },
            { type: 'email', name: 'mail', host: '127.0.0.1', port: 9, from: 'a@b.c', to: ['x@y.z'], user: 'u', passwordEnv: 'SMTP_PASSWORD' },
          ],
        },
      }),
    );
    const logFile = path.join(dataDir, 'meta_agent.log');
    const server = await startServerProcess({
      META_AGENT_DATA_DIR: dataDir,
      META_AGENT_LOG_FILE: logFile,
      META_AGENT_CONFIG: configFile,
      META_AGENT_API_TOKENS: 'viewer:viewer-token-SECRET-0001,operator:operator-token-SECRET-0002',
      SMTP_PASSWORD: 'smtp-password-SECRET',
    });
    await fetch(`${server.url}/api/meta-agent/status`, { headers: { authorization: 'Bearer guessed-token-SECRET-0003' } });
    await fetch(`${server.url}/api/meta-agent/control/stop`, { method: 'POST', headers: { authorization: 'Bearer viewer-token-SECRET-0001' } });
    await fetch(`${server.url}/api/meta-agent/status`);
    const health = await (await fetch(`${server.url}/api/meta-agent/health`, { headers: { authorization: 'Bearer operator-token-SECRET-0002' } })).text();
    server.child.kill('SIGTERM');
    await server.exit();

    const log = readFileSync(logFile, 'utf8') + server.output();
    const lines = log.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    const refusals = lines.filter((l) => /refused/.test(l.msg));
    expect(refusals.map((l) => l.reason ?? l.needs)).toEqual(
      expect.arrayContaining(['The bearer token is not valid', 'Authentication required: send Authorization: Bearer <token>', 'operate']),
    );
    for (const secret of ['SECRET', 'webhook-secret-XYZ', 'smtp-password']) {
      expect(log).not.toContain(secret);
      expect(health).not.toContain(secret);
    }
  }, 20_000);
});
