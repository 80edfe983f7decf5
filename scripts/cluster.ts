import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';

/**
 * `npm run cluster -- --replicas 2`: starts N replicas of the built server on one machine, on
 * ports 8081, 8082, …, sharing the PostgreSQL database and the Redis given by --database and
 * --redis (or META_AGENT_DATABASE_URL and META_AGENT_REDIS_URL). Each gets its own instance id
 * (replica-1, …) and data directory (meta_agent_data/replica-N, for its report files); its log
 * lines are prefixed with its id. Ctrl-C stops them all. Put any HTTP load balancer in front.
 */
const { values } = parseArgs({
  options: {
    replicas: { type: 'string', default: '2' },
    database: { type: 'string', default: process.env.META_AGENT_DATABASE_URL },
    redis: { type: 'string', default: process.env.META_AGENT_REDIS_URL },
    port: { type: 'string', default: '8081' },
  },
});
const replicas = Number(values.replicas);
const firstPort = Number(values.port);
if (!Number.isInteger(replicas) || replicas < 1 || replicas > 16 || !Number.isInteger(firstPort) || !values.database) {
  console.error('usage: npm run cluster -- --replicas N (1-16) --database postgres://… [--redis redis://…] [--port 8081]\n(or set META_AGENT_DATABASE_URL and META_AGENT_REDIS_URL)');
  process.exit(2);
}

const root = path.resolve(import.meta.dirname, '..');
const children: ChildProcess[] = [];
for (let i = 1; i <= replicas; i++) {
  const id = `replica-${i}`;
  const child = spawn(process.execPath, [path.join(root, 'dist/main.js')], {
    cwd: root,
    env: {
      ...process.env,
      META_AGENT_DATABASE_URL: values.database,
      ...(values.redis ? { META_AGENT_REDIS_URL: values.redis } : {}),
      META_AGENT_INSTANCE_ID: id,
      META_AGENT_PORT: String(firstPort + i - 1),
      META_AGENT_DATA_DIR: path.join(process.env.META_AGENT_DATA_DIR ?? 'meta_agent_data', id),
      META_AGENT_LOG_FILE: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).map((line) => `[${id}] ${line}\n`).join('');
  child.stdout!.on('data', (chunk: Buffer) => process.stdout.write(prefix(chunk)));
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  child.on('exit', (code, signal) => console.error(`[${id}] exited (${signal ?? code})`));
  children.push(child);
}
const stop = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
