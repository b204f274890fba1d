/**
 * A cookie-keeping HTTP client that follows redirects one hop at a time, like a browser,
 * so tests can walk login → provider → complete and look at every hop.
 */
export class BrowserSession {
  private readonly cookies = new Map<string, Map<string, string>>();
  readonly hops: { url: string; status: number; location: string | null }[] = [];

  constructor(private readonly headers: Record<string, string> = {}) {}

  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const cookieHeader = [...(this.cookies.get(target.host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(target, {
      ...init,
      redirect: 'manual',
      headers: { ...this.headers, ...(cookieHeader ? { cookie: cookieHeader } : {}), ...(init.headers as Record<string, string>) },
    });
    this.remember(target.host, response.headers.getSetCookie());
    this.hops.push({ url, status: response.status, location: response.headers.get('location') });
    return response;
  }

  /** Follows redirects until a non-redirect answer or until `stopAt` matches the next URL (not fetched). */
  async follow(url: string, options: { stopAt?: (url: string) => boolean; maxHops?: number } = {}): Promise<{ response: Response | null; url: string }> {
    let current = url;
    for (let hop = 0; hop < (options.maxHops ?? 10); hop += 1) {
      if (hop > 0 && options.stopAt?.(current)) return { response: null, url: current };
      const response = await this.get(current);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { response, url: current };
      await response.arrayBuffer();
      current = new URL(location, current).toString();
    }
    throw new Error(`Too many redirects from ${url}`);
  }

  cookie(host: string, name: string): string | undefined {
    return this.cookies.get(host)?.get(name);
  }

  setHeader(name: string, value: string): void {
    this.headers[name] = value;
  }

  private remember(host: string, setCookies: string[]): void {
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) || value === '';
      if (expired) jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(host, jar);
  }
}
