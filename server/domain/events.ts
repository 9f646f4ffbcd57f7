import { EventEmitter } from 'node:events';

/**
 * What the domain announces after a commit. The realtime layer listens and
 * turns these into socket messages shaped for each receiver; the domain
 * never knows who is connected.
 */
export interface DomainEventMap {
  'question:changed': [{ sessionId: number; questionId: number; created: boolean }];
  'votes:changed': [{ sessionId: number; questionId: number; votes: number }];
  'stage:changed': [{ sessionId: number; questionId: number | null }];
  'session:changed': [{ sessionId: number }];
  'user:revoked': [{ userId: number }];
}

export class DomainEvents extends EventEmitter<DomainEventMap> {}
