import type { Services } from '../domain/services';
import type { ClusterLink } from './cluster';

/** What one node tells the others to forget or learn. */
type Notice =
  | { from: string; kind: 'participant:banned'; participantId: number }
  | { from: string; kind: 'settings:changed' }
  | { from: string; kind: 'user:changed'; userId: number };

/**
 * Keeps what each node holds in memory about people in step across nodes.
 * Three such caches: the participant registry's bans, the organisation's
 * settings, and the staff accounts every token is checked against
 * (UsersService: disabled, role, token version). Snapshots are cached per
 * sequence number, see handlers.ts; sockets are dropped through the
 * adapter. A ban committed on one node is announced on a Redis channel and
 * every other node adds it to its registry, so the participant's token is
 * refused wherever it comes back; a settings change makes the other nodes
 * read the settings again; a staff account written on one node (disabled,
 * logged out, password changed…) is read again by the others at its next
 * use, so a token it ended is refused everywhere. Notices sent while this
 * node was cut off from Redis are lost: on every (re)connection the users
 * and settings are read again.
 */
export async function shareNodeCaches(link: ClusterLink, services: Services, onError: (err: unknown) => void): Promise<() => Promise<void>> {
  const channel = `${link.prefix}node-caches`;
  const sub = link.redis.duplicate();
  sub.on('error', onError);
  // Whatever was announced while we were not listening is not heard again: start over.
  sub.on('ready', () => {
    services.users.forget();
    services.settings.forget();
  });
  await sub.connect();
  await sub.subscribe(channel, (raw) => {
    let notice: Notice;
    try {
      notice = JSON.parse(raw) as Notice;
    } catch {
      return;
    }
    if (notice.from === link.nodeId) return;
    if (notice.kind === 'participant:banned' && Number.isInteger(notice.participantId)) services.participants.registry.markBanned(notice.participantId);
    if (notice.kind === 'settings:changed') services.settings.forget();
    if (notice.kind === 'user:changed' && Number.isInteger(notice.userId)) services.users.forget(notice.userId);
  });
  const publish = (notice: Notice) => void link.redis.publish(channel, JSON.stringify(notice)).catch(onError);
  const onBanned = (e: { participantId: number }) => publish({ from: link.nodeId, kind: 'participant:banned', participantId: e.participantId });
  services.events.on('participant:banned', onBanned);
  const onSettings = () => publish({ from: link.nodeId, kind: 'settings:changed' });
  services.events.on('settings:changed', onSettings);
  const onUser = (e: { userId: number }) => publish({ from: link.nodeId, kind: 'user:changed', userId: e.userId });
  services.events.on('user:changed', onUser);
  return async () => {
    services.events.off('participant:banned', onBanned);
    services.events.off('settings:changed', onSettings);
    services.events.off('user:changed', onUser);
    if (sub.isReady) await sub.close().catch(() => sub.destroy());
    else sub.destroy();
  };
}
