import { getAuth, getRouter } from '../lib/context';
import { LiveSession } from './live-session.svelte';

/**
 * The live session behind a staff view: opened with the signed-in token,
 * closed with the view, and a refused token (expired, account disabled)
 * sends the person back to the login page instead of a silent dead screen.
 * Call during component initialisation.
 */
export function staffLive(sessionId: () => number, opts: { asDisplay?: boolean } = {}): { readonly current: LiveSession | null } {
  const auth = getAuth();
  const router = getRouter();
  let live = $state.raw<LiveSession | null>(null);

  $effect(() => {
    const token = auth.token;
    if (!token) return;
    const l = new LiveSession({ token, sessionId: sessionId(), audience: 'staff', asDisplay: opts.asDisplay });
    live = l;
    return () => {
      l.close();
      live = null;
    };
  });

  $effect(() => {
    if (live?.fatalError) {
      auth.drop();
      router.navigate(`/login?next=${encodeURIComponent(location.pathname)}`, { replace: true });
    }
  });

  return {
    get current() {
      return live;
    },
  };
}
