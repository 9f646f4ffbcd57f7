import { EventEmitter } from 'node:events';
import type { QuestionStatus } from '../../shared/schemas/enums';
import type { VoteSurge } from './questions/vote-surge';

/**
 * What the domain announces after a commit. The realtime layer listens and
 * turns these into socket messages shaped for each receiver; the domain
 * never knows who is connected.
 */
export interface DomainEventMap {
  /** `previousStatus` tells the realtime layer whether the public had seen it before. */
  'question:changed': [{ sessionId: number; questionId: number; created: boolean; previousStatus?: QuestionStatus }];
  'votes:changed': [{ sessionId: number; questionId: number; votes: number }];
  'stage:changed': [{ sessionId: number; questionId: number | null }];
  'session:changed': [{ sessionId: number }];
  'user:revoked': [{ userId: number }];
  /** A staff account was written (created, renamed, disabled, its tokens ended…): other nodes drop their copy. */
  'user:changed': [{ userId: number }];
  /** The user no longer works on this session: its staff sockets leave the session's rooms. */
  'staff:unassigned': [{ sessionId: number; userId: number }];
  /** A moderator banned a participant: its sockets are dropped. */
  'participant:banned': [{ sessionId: number; participantId: number }];
  /** The admin changed the organisation's settings (other nodes drop their copy). */
  'settings:changed': [];
  /** Many new participants voted for one question within seconds (a signal for moderators). */
  'votes:surge': [VoteSurge];
}

/**
 * The order is: transaction → COMMIT → events. A service may emit inside its
 * transaction: the port holds the event until the outermost COMMIT (inside a
 * group-commit batch, the batch's) and drops it if the transaction rolls
 * back. No event ever announces what a crash could take back.
 */
export class DomainEvents extends EventEmitter<DomainEventMap> {
  private afterCommit: ((send: () => void) => void) | null = null;

  /** Events wait for the COMMIT of the port's transaction they are emitted in. */
  holdUntilCommit(afterCommit: (send: () => void) => void): void {
    this.afterCommit = afterCommit;
  }

  override emit<K extends keyof DomainEventMap>(event: K, ...args: DomainEventMap[K]): boolean {
    const send = () => (super.emit as (e: K, ...a: DomainEventMap[K]) => boolean)(event, ...args);
    if (this.afterCommit) {
      this.afterCommit(send);
      return true;
    }
    return send();
  }
}
