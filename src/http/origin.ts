export const CROSS_SITE_REFUSED = 'Cross-site request refused: this origin is not allowed (http.allowedOrigins)';

/**
 * Whether a browser request may come from this Origin: same-origin (the Origin's host is the
 * Host the request was sent to) or listed in http.allowedOrigins. No Origin (curl, agents): yes.
 */
export function originAllowed(origin: string | null | undefined, host: string | null | undefined, allowed: readonly string[]): boolean {
  if (!origin) return true;
  if (allowed.some((a) => sameOrigin(a, origin))) return true;
  try {
    return host !== null && host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+|localhost)$/;
export const isLoopback = (address: string | undefined) => address !== undefined && LOOPBACK.test(address);
