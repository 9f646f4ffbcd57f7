/**
 * A tiny history-API router: a path in $state, a table of patterns, and
 * link interception so that plain <a href="/..."> navigates without reload.
 */
import { match, type Match } from './routes';

export type { Match, RouteName } from './routes';

export class Router {
  #path = $state(location.pathname);
  #search = $state(location.search);

  constructor() {
    window.addEventListener('popstate', () => this.#sync());
    document.addEventListener('click', (e) => this.#intercept(e));
  }

  get path(): string {
    return this.#path;
  }

  get route(): Match {
    return match(this.#path);
  }

  query(name: string): string | null {
    return new URLSearchParams(this.#search).get(name);
  }

  navigate(to: string, opts: { replace?: boolean } = {}): void {
    if (to === location.pathname + location.search) return;
    if (opts.replace) history.replaceState(null, '', to);
    else history.pushState(null, '', to);
    this.#sync();
    window.scrollTo(0, 0);
  }

  #sync(): void {
    this.#path = location.pathname;
    this.#search = location.search;
  }

  #intercept(e: MouseEvent): void {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download')) return;
    const href = a.getAttribute('href');
    if (!href || !href.startsWith('/') || href.startsWith('//') || href.startsWith('/api/')) return;
    e.preventDefault();
    this.navigate(href);
  }
}
