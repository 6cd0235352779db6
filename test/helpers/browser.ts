// Browser tests: Debian's Chromium driven by playwright-core, against the production app served on a random port.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { buildApp } from './build-app.ts';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Flags for a quiet, reproducible headless Chromium in a container (no sandbox, no GPU, no phoning home). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium binary: /usr/bin/chromium, else whatever `which chromium` finds. Throws (never skips) when there is none. */
export function chromiumPath(): string {
  if (isExecutable(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  try {
    const found = execFileSync('which', ['chromium'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (found && isExecutable(found)) return found;
  } catch {
    // `which` exits non-zero when nothing is found: reported below.
  }
  throw new Error(
    `Browser tests need Debian's Chromium, but neither ${DEBIAN_CHROMIUM} nor \`which chromium\` found one. ` +
      'Install it with: sudo apt-get install -y chromium (or run `npm test`, whose test/setup/ensure-system-deps.sh does it). ' +
      "Playwright's own browser download is not used here.",
  );
}

/**
 * Launches headless Chromium. A plain `launch` gives every browser a fresh temporary profile
 * (user-data dir) that Playwright deletes on close, so no state leaks between runs.
 * `extraArgs` are added to CHROMIUM_ARGS (say, a fake camera).
 */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export interface ServedApp {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  baseUrl: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The production app on a fresh data directory, listening on 127.0.0.1 at a free port. */
export async function servedApp(env: Record<string, string> = {}): Promise<ServedApp> {
  const built = await buildApp(env);
  try {
    await built.app.listen({ host: '127.0.0.1', port: 0 });
  } catch (error) {
    await built.close();
    throw error;
  }
  const address = built.app.server.address() as AddressInfo | string | null;
  if (!address || typeof address === 'string') {
    await built.close();
    throw new Error(`the app is not listening on a TCP port (address: ${String(address)})`);
  }
  return { baseUrl: `http://127.0.0.1:${address.port}`, app: built.app, close: () => built.close() };
}

/** A console error, uncaught page exception, or Content-Security-Policy violation seen on a page. */
export interface PageProblem {
  kind: 'console' | 'pageerror' | 'csp';
  text: string;
  url: string;
}

export interface ProblemCollector {
  /** Everything seen so far, in order. */
  readonly problems: PageProblem[];
  /** Only the CSP violations (console reports and securitypolicyviolation events). */
  cspViolations(): PageProblem[];
  /**
   * The problems a test should fail on. Chromium logs "Failed to load resource: … status of N" for a page
   * answered with an error status even when that status is the point (a 422 form with errors, a 401 login);
   * such a line is left out only when it is about a page this tab navigated to, that page really got N,
   * and N is in `expectedPageStatuses`. Anything else — a missing stylesheet, a 500 — stays in.
   */
  unexpected(expectedPageStatuses?: number[]): PageProblem[];
  /** A readable list for assertion messages. */
  describe(list?: PageProblem[]): string;
}

/**
 * The few browser globals used in page scripts here. The project compiles without the DOM library
 * (it is server code), so they are typed by hand rather than by adding "dom" to every file's globals.
 */
interface BrowserGlobals {
  innerWidth: number;
  document: {
    documentElement: { scrollWidth: number; clientWidth: number };
    addEventListener(
      type: 'securitypolicyviolation',
      listener: (event: { effectiveDirective: string; blockedURI: string; sourceFile: string; lineNumber: number }) => void,
    ): void;
  };
}

const CSP_BINDING = '__reportCspViolation';
const FAILED_RESOURCE = /^Failed to load resource: the server responded with a status of (\d{3})\b/;

/** Chromium's wording changed over versions: "Refused to load …" then "… violates the following Content Security Policy directive …". */
export function isCspMessage(text: string): boolean {
  return /Refused to |Content[- ]Security[- ]Policy/i.test(text);
}

/**
 * Collects console errors, uncaught exceptions and CSP violations from a page (and the pages it navigates to).
 * CSP violations show up twice in Chromium: as a console error and as a `securitypolicyviolation` DOM event;
 * both are caught (the event through a CDP binding, which the page's own CSP cannot block).
 * Call it before the first navigation.
 */
export async function collectProblems(page: Page): Promise<ProblemCollector> {
  const problems: PageProblem[] = [];
  /** "status url" of every main-frame document this page loaded. */
  const pageStatuses = new Set<string>();

  page.on('response', (response) => {
    const request = response.request();
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) pageStatuses.add(`${response.status()} ${response.url()}`);
  });
  page.on('console', (message: ConsoleMessage) => {
    const type = message.type();
    const text = message.text();
    if (type === 'error' || (type === 'warning' && isCspMessage(text))) {
      problems.push({ kind: isCspMessage(text) ? 'csp' : 'console', text, url: message.location().url || page.url() });
    }
  });
  page.on('pageerror', (error) => {
    problems.push({ kind: 'pageerror', text: `${error.name}: ${error.message}`, url: page.url() });
  });

  await page.exposeBinding(CSP_BINDING, (_source, detail: string) => {
    problems.push({ kind: 'csp', text: `securitypolicyviolation: ${detail}`, url: page.url() });
  });
  await page.addInitScript((binding: string) => {
    const win = globalThis as unknown as BrowserGlobals & Record<string, ((detail: string) => void) | undefined>;
    win.document.addEventListener('securitypolicyviolation', (event) => {
      win[binding]?.(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`);
    });
  }, CSP_BINDING);

  const describe = (list: PageProblem[] = problems) =>
    list.length === 0 ? '(none)' : list.map((p) => `[${p.kind}] ${p.text} @ ${p.url}`).join('\n');

  return {
    problems,
    cspViolations: () => problems.filter((p) => p.kind === 'csp'),
    unexpected(expectedPageStatuses: number[] = []) {
      return problems.filter((p) => {
        if (p.kind !== 'console') return true;
        const status = Number(FAILED_RESOURCE.exec(p.text)?.[1]);
        return !(expectedPageStatuses.includes(status) && pageStatuses.has(`${status} ${p.url}`));
      });
    },
    describe,
  };
}

/**
 * How wide the document is against the viewport. A page scrolls sideways when scrollWidth > clientWidth.
 * Note: with `isMobile: true`, Chromium lets `window.innerWidth` grow to the content's width when the
 * content overflows (616 in a 390px viewport), so `scrollWidth <= innerWidth` can never fail there;
 * compare with `clientWidth` (the layout viewport, which stays at the device width) instead.
 */
export async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number; innerWidth: number }> {
  return page.evaluate(() => {
    const win = globalThis as unknown as BrowserGlobals;
    const root = win.document.documentElement;
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, innerWidth: win.innerWidth };
  });
}
