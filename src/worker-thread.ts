import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * Starts a worker thread from a module next to the caller, named by its compiled `.js` URL:
 * the compiled file when running from dist/, the TypeScript source through tsx when running
 * from sources (tests, tsx).
 */
export function spawnWorker(compiled: URL, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  if (!fromSource) return new Worker(compiled, { workerData, ...(resourceLimits ? { resourceLimits } : {}) });
  const tsxRoot = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(path.join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const entry = compiled.href.replace(/\.js$/, '.ts');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData, ...(resourceLimits ? { resourceLimits } : {}) });
}
