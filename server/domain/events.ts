import { EventEmitter } from 'node:events';
import type { QuestionStatus } from '../../shared/schemas/enums';

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
}

export class DomainEvents extends EventEmitter<DomainEventMap> {}
