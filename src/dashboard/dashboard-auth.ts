import { createHash, timingSafeEqual } from "node:crypto";

/** The cookie a browser keeps after opening the page with `?token=`; HttpOnly, so scripts never see it. */
export const TOKEN_COOKIE = "llm_router_dashboard";

/** Loopback only: anything else (0.0.0.0, a LAN address, a name) needs DASHBOARD_TOKEN. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function tokensEqual(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The token a request carries: `Authorization: Bearer …`, the cookie, or `?token=` (a browser's first visit). */
export function presentedToken(headers: { authorization?: string; cookie?: string }, query: URLSearchParams): string | undefined {
  const bearer = headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (bearer) return bearer.trim();
  const cookie = headers.cookie
    ?.split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${TOKEN_COOKIE}=`));
  if (cookie) return decodeURIComponent(cookie.slice(TOKEN_COOKIE.length + 1));
  return query.get("token") ?? undefined;
}
