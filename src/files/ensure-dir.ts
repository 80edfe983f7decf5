import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * mkdir -p, one level at a time. Node 20's `mkdirSync(dir, { recursive: true })` loops forever
 * where mkdir answers ENOENT under a parent that exists (e.g. /proc/x/y): a bad
 * META_AGENT_DATA_DIR hung start-up without a word. Here that is an error naming the path.
 */
export function ensureDirSync(dir: string): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); !exists(at); at = path.dirname(at)) {
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

function exists(at: string): boolean {
  try {
    statSync(at);
    return true;
  } catch {
    return false;
  }
}
