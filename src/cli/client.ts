/** A refusal the server answered (exit code 1), with its own message. */
export class Refused extends Error {
  override name = 'Refused';
}

export interface ApiClient {
  get(path: string): Promise<Record<string, unknown>>;
  post(path: string, body?: unknown): Promise<Record<string, unknown>>;
  delete(path: string): Promise<Record<string, unknown>>;
}

/** Calls the REST API with the token, if any; a 4xx/5xx or no answer is Refused, with the server's words. */
export function apiClient(baseUrl: string, token: string | undefined, fetchImpl: typeof fetch = fetch): ApiClient {
  async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetchImpl(new URL(path, baseUrl), { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new Refused(`cannot reach Meta Agent at ${baseUrl}${cause ? ` (${cause})` : ''}: is it running? (--url or META_AGENT_URL)`);
    }
    const text = await response.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new Refused(`${method} ${path} answered ${response.status} with something that is not JSON: ${text.slice(0, 200)}`);
    }
    if (!response.ok) {
      const errors = Array.isArray(parsed.errors) ? ` (${(parsed.errors as Array<{ field?: string; message?: string }>).map((e) => `${e.field}: ${e.message}`).join('; ')})` : '';
      throw new Refused(`${response.status} ${String(parsed.message ?? response.statusText)}${errors}`);
    }
    return parsed;
  }
  return { get: (path) => call('GET', path), post: (path, body) => call('POST', path, body), delete: (path) => call('DELETE', path) };
}
