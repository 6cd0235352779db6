// A tiny cookie-keeping client over app.inject, with CSRF tokens read from the rendered forms.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** Extracts the CSRF token from the first form on an HTML page. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}

/** One browser-like visitor: keeps its cookies between requests. */
export class Visitor {
  private cookies = new Map<string, string>();

  constructor(private readonly app: FastifyInstance) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  private remember(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of response.cookies as { name: string; value: string; maxAge?: number }[]) {
      if (cookie.value === '' || cookie.maxAge === 0) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.remember(
      await this.app.inject({ method: 'GET', url, headers: { accept: 'text/html', cookie: this.cookieHeader, ...headers } }),
    );
  }

  /** Posts a urlencoded form as a browser would (arrays become repeated fields). */
  async post(url: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(form)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
    }
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        payload: body.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie: this.cookieHeader, ...headers },
      }),
    );
  }

  /** Loads a page, then posts its form with the page's CSRF token. */
  async submit(pageUrl: string, actionUrl: string, form: Record<string, string | string[]>): Promise<LightMyRequestResponse> {
    const page = await this.get(pageUrl);
    return this.post(actionUrl, { ...form, _csrf: csrfFrom(page.body) });
  }
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The values a browser would send from a page's form fields (text inputs, text areas, checked boxes). */
export function formValues(html: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [tag] of html.matchAll(/<input\b[^>]*>/g)) {
    const name = /\bname="([^"]+)"/.exec(tag)?.[1];
    if (!name || name === '_csrf') continue;
    if (/\btype="(checkbox|radio)"/.test(tag) && !/\bchecked\b/.test(tag)) continue;
    values[name] = decodeEntities(/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '');
  }
  for (const [, attrs, body] of html.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const name = /\bname="([^"]+)"/.exec(attrs ?? '')?.[1];
    if (name) values[name] = decodeEntities(body ?? '');
  }
  return values;
}
