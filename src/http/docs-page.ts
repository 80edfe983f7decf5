import type { Route } from './router.js';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A readable, self-contained page of the REST API (no CDN: the page must work offline). */
export function renderDocsPage(routes: readonly Route[], version: string): string {
  const rows = routes
    .map((route) => {
      const params = (route.query ?? [])
        .map((p) => `<li><code>${escape(p.name)}</code>${p.enum ? ` (${p.enum.map(escape).join(' | ')})` : ''}: ${escape(p.description)}</li>`)
        .join('');
      const body = route.body
        ? `<p><b>Body</b>: ${escape(route.body.description)}</p><pre>${escape(JSON.stringify(route.body.example, null, 2))}</pre>`
        : '';
      return `<section id="${escape(route.method + route.path)}">
  <h3><span class="m ${route.method}">${route.method}</span> <code>${escape(route.path)}</code></h3>
  <p>${escape(route.summary)}</p>
  ${params ? `<p><b>Query</b></p><ul>${params}</ul>` : ''}${body}
  <p><b>Returns</b>: <code>{"status":"success", ${escape(route.returns)}}</code></p>
</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Meta Agent API ${escape(version)}</title>
<style>
:root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.45}
body{max-width:60rem;margin:0 auto;padding:1rem}
code,pre{font-family:ui-monospace,monospace}pre{background:#8881;padding:.5rem;overflow:auto}
section{border-top:1px solid #8884;padding:.25rem 0}
.m{display:inline-block;min-width:3.5rem;text-align:center;border-radius:4px;padding:0 .3rem;color:#fff;font-size:.85em}
.GET{background:#2f6f3e}.POST{background:#1f4f8f}
</style></head><body>
<h1>Meta Agent API <small>${escape(version)}</small></h1>
<p>GraphQL (queries, mutations, subscriptions over graphql-ws) lives at <a href="/graphql">/graphql</a>, with GraphiQL in the browser.
The REST endpoints below answer from the same services. Machine-readable: <a href="/docs/openapi.json">/docs/openapi.json</a> (OpenAPI 3).</p>
<p>Success: HTTP 200 and <code>{"status":"success","data":…}</code>. Errors: the fitting 4xx/5xx and <code>{"status":"error","message":"…","code":"…"}</code>.</p>
${rows}
</body></html>`;
}
