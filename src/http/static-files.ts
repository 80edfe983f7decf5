import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard's build (vite build → dist/web), the same place from src/ and dist/. */
export const WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

/**
 * Serves the built dashboard: `/` is index.html; other names only if they resolve inside the
 * build folder to a regular file. Hashed assets are cached for good, the page never.
 */
export function createStaticFiles(root = WEB_ROOT) {
  const base = path.resolve(root);
  return {
    async serve(pathname: string): Promise<Response | undefined> {
      let relative: string;
      try {
        relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
      } catch {
        return undefined;
      }
      if (relative.includes('\0')) return undefined;
      const file = path.resolve(base, relative);
      if (!file.startsWith(base + path.sep)) return undefined;
      const type = TYPES[path.extname(file)];
      if (!type) return undefined;
      try {
        if (!(await stat(file)).isFile()) return undefined;
        const body = await readFile(file);
        const cache = relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
        return new Response(body, { headers: { 'content-type': type, 'cache-control': cache } });
      } catch {
        return undefined;
      }
    },
  };
}
