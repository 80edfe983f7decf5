import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';

const gzipAsync = promisify(gzip);

interface Page {
  html: Buffer;
  gzipped: Buffer;
  etag: string;
}

/**
 * GraphiQL with its code inlined (no unpkg.com: it must work without internet). The page is
 * 9 MB of HTML, so it is built once, on the first visit, gzipped off the event loop, and
 * revalidated by ETag: a browser fetches ~2.4 MB the first time and a 304 after.
 */
export function useGraphiqlPage(options: { enabled: boolean; endpoint: string; graphiql: GraphiQLOptions }): Plugin {
  let page: Promise<Page> | undefined;
  const build = async (): Promise<Page> => {
    // Loaded on first use: 9 MB of JavaScript that start-up and idle memory need not carry.
    const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
    const html = Buffer.from(renderGraphiQL(options.graphiql));
    const gzipped = await gzipAsync(html);
    return { html, gzipped, etag: `"${createHash('sha256').update(html).digest('base64url').slice(0, 22)}"` };
  };
  return {
    onRequest({ request, url, endResponse }) {
      if (!options.enabled || url.pathname !== options.endpoint) return;
      if (request.method !== 'GET' || !(request.headers.get('accept') ?? '').includes('text/html')) return;
      if (!page) {
        page = build();
        page.catch(() => (page = undefined)); // a failed build is tried again on the next visit
      }
      return page.then((p) => endResponse(respond(p, request)));
    },
  };
}

function respond(page: Page, request: Request): Response {
  const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', etag: page.etag, 'cache-control': 'no-cache', vary: 'accept, accept-encoding' };
  if (request.headers.get('if-none-match') === page.etag) return new Response(null, { status: 304, headers });
  const gzipOk = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
  const body = gzipOk ? page.gzipped : page.html;
  // A view of the built page, not a copy: 9 MB per request would be an easy way to exhaust memory.
  return new Response(new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength), { headers: gzipOk ? { ...headers, 'content-encoding': 'gzip' } : headers });
}
