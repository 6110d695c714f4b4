/**
 * A minimal browser for Keycloak's login pages: a cookie jar, no automatic redirects, and the
 * login form's action read from the page (as a person's browser would post it).
 */
import { createHash, randomBytes } from "node:crypto";

type Fetch = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: URLSearchParams }) => Promise<Response>;

export class Browser {
  private readonly cookies = new Map<string, string>();

  /** `fetcher` must not follow redirects (the test reads them). */
  constructor(private readonly fetcher: Fetch) {}

  async get(url: string): Promise<Response> {
    return this.record(await this.fetcher(url, { headers: this.headers() }));
  }

  async post(url: string, form: Record<string, string>): Promise<Response> {
    return this.record(await this.fetcher(url, { method: "POST", headers: this.headers(), body: new URLSearchParams(form) }));
  }

  private headers(): Record<string, string> {
    return this.cookies.size > 0 ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } : {};
  }

  private record(r: Response): Response {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return r;
  }
}

/** The `action` of the page's login form (HTML entities decoded). */
export function formAction(html: string): string {
  const m = /<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"/.exec(html) ?? /<form[^>]*action="([^"]+)"[^>]*id="kc-form-login"/.exec(html);
  if (!m) throw new Error(`no login form in page: ${html.slice(0, 400)}`);
  return m[1]!.replace(/&amp;/g, "&");
}

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

export function pkce(): Pkce {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** The claims of a JWT (not verified: the test reads what the server put in). */
export function claims(jwt: string): Record<string, any> {
  return JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8")) as Record<string, any>;
}
