import type { FollowUpStatus } from '../../../shared/schemas/enums';
import type { FollowUpUpdateBody } from '../../../shared/schemas/requests';
import type { FollowUpItem, FollowUpListQuery } from '../../../shared/schemas/secretariat';
import type { Db } from '../../db/client';
import { requireStaff, type Actor } from '../actor';
import { recordAudit } from '../audit/audit.repo';
import { nowIso } from '../clock';
import { DomainError } from '../errors';
import type { DomainEvents } from '../events';
import { todayInVietnam, toFollowUp } from '../questions/question-view';
import type { FollowUpRow } from '../questions/questions.repo';
import { FollowUpsRepo, type FollowUpJoined } from './followups.repo';

/** Who works the follow-up: the secretariat (and admins). */
const WORKERS = ['secretary', 'admin'] as const;

/**
 * Allowed status moves. `answered` needs a written answer on record; a
 * secretary may step back while nothing has been published.
 */
const MOVES: Record<FollowUpStatus, readonly FollowUpStatus[]> = {
  assigned: ['in_progress', 'answered'],
  in_progress: ['assigned', 'answered'],
  answered: ['in_progress'],
};

const fold = (s: string): string => s.normalize('NFC').toLocaleLowerCase('vi');

export function toFollowUpItem(j: FollowUpJoined, today = todayInVietnam()): FollowUpItem {
  return {
    ...toFollowUp(j.f, today),
    session: j.s,
    question: {
      id: j.q.id,
      text: j.q.text,
      status: j.q.status,
      trackingCode: j.q.trackingCode,
      anonymous: j.q.anonymous,
      authorName: j.author.displayName,
      locality: j.author.locality,
      group: j.author.group,
      participantId: j.q.participantId,
      hasContact: j.author.hasContact,
    },
    writtenAnswer: j.answer
      ? {
          id: j.answer.id,
          questionId: j.answer.questionId,
          kind: j.answer.kind,
          text: j.answer.text,
          answeredBy: j.answer.answeredBy ?? null,
          createdAt: j.answer.createdAt,
          publishedAt: j.answer.publishedAt ?? null,
        }
      : null,
  };
}

/**
 * The written follow-up of deferred questions, across sessions: the list the
 * secretariat works from, status and deadline changes, and publication of
 * the written answer. Goes on after the session is closed.
 */
export class FollowUpsService {
  readonly repo: FollowUpsRepo;

  constructor(
    private readonly db: Db,
    private readonly events: DomainEvents,
  ) {
    this.repo = new FollowUpsRepo(db);
  }

  list(actor: Actor, query: FollowUpListQuery = {}): FollowUpItem[] {
    requireStaff(actor);
    const today = todayInVietnam();
    const agency = query.agency ? fold(query.agency.trim()) : '';
    // Agency and overdue are filtered here: Vietnamese case folding is beyond
    // SQLite's lower(), and overdue is derived from today's date in Vietnam.
    return this.repo
      .list({ status: query.status, sessionId: query.sessionId })
      .map((j) => toFollowUpItem(j, today))
      .filter((i) => !agency || fold(i.agency).includes(agency))
      .filter((i) => query.overdue === undefined || i.overdue === query.overdue);
  }

  get(actor: Actor, id: number): FollowUpItem {
    requireStaff(actor);
    return toFollowUpItem(this.joined(id));
  }

  private joined(id: number): FollowUpJoined {
    const j = this.repo.byId(id);
    if (!j) throw new DomainError('FOLLOWUP_NOT_FOUND', `no follow-up ${id}`);
    return j;
  }

  update(actor: Actor, id: number, body: FollowUpUpdateBody): FollowUpItem {
    requireStaff(actor, WORKERS);
    const j = this.joined(id);
    const before = j.f;
    const patch: Partial<FollowUpRow> = {};
    if (body.status !== undefined && body.status !== before.status) {
      if (before.publishedAt) throw new DomainError('ILLEGAL_TRANSITION', 'the written answer is published: the follow-up is done');
      if (!MOVES[before.status].includes(body.status)) {
        throw new DomainError('ILLEGAL_TRANSITION', `a follow-up cannot go from ${before.status} to ${body.status}`);
      }
      if (body.status === 'answered' && !before.answerId) {
        throw new DomainError('NO_WRITTEN_ANSWER', 'record the written answer before marking the follow-up answered');
      }
      patch.status = body.status;
    }
    if (body.agency !== undefined) {
      const agency = body.agency.normalize('NFC').trim();
      if (!agency) throw new DomainError('INVALID_PAYLOAD', 'agency is empty');
      if (agency !== before.agency) patch.agency = agency;
    }
    if (body.deadline !== undefined && body.deadline !== before.deadline) {
      if (Number.isNaN(Date.parse(`${body.deadline}T00:00:00Z`))) throw new DomainError('INVALID_PAYLOAD', 'deadline is not a date');
      patch.deadline = body.deadline;
    }
    if (Object.keys(patch).length === 0) return toFollowUpItem(j);
    const now = nowIso();
    this.db.transaction(() => {
      const after = this.repo.update(id, { ...patch, updatedAt: now });
      // The question carries the responsible agency too (shown in every view).
      this.repo.touchQuestion(j.q.id, { updatedAt: now, ...(patch.agency && { agency: patch.agency }) });
      recordAudit(this.db, actor, {
        action: 'followup.update',
        entity: 'follow_up',
        entityId: id,
        sessionId: before.sessionId,
        before: { status: before.status, agency: before.agency, deadline: before.deadline },
        after: { status: after.status, agency: after.agency, deadline: after.deadline },
      });
    });
    // The asker's view shows the follow-up's agency, deadline and status.
    this.events.emit('question:changed', { sessionId: before.sessionId, questionId: j.q.id, created: false, previousStatus: j.q.status });
    return toFollowUpItem(this.joined(id));
  }

  /**
   * Publishes the recorded written answer: the asker sees it in the
   * participant view and on the tracking page. Publishing the same answer
   * twice changes nothing; a newer written answer recorded since replaces the
   * published one's place as the follow-up's answer and can be published too.
   */
  publish(actor: Actor, id: number): FollowUpItem {
    requireStaff(actor, WORKERS);
    const j = this.joined(id);
    if (!j.answer || j.answer.kind !== 'written') {
      throw new DomainError('NO_WRITTEN_ANSWER', 'record a written answer before publishing');
    }
    if (j.answer.publishedAt && j.f.publishedAt && j.f.status === 'answered') return toFollowUpItem(j);
    const now = nowIso();
    const answer = j.answer;
    this.db.transaction(() => {
      const published = answer.publishedAt ? answer : this.repo.publishAnswer(answer.id, now);
      const after = this.repo.update(id, { status: 'answered', publishedAt: now, updatedAt: now });
      this.repo.touchQuestion(j.q.id, { updatedAt: now });
      recordAudit(this.db, actor, {
        action: 'followup.publish',
        entity: 'follow_up',
        entityId: id,
        sessionId: j.f.sessionId,
        before: { status: j.f.status, publishedAt: j.f.publishedAt, answerId: answer.id, answerPublishedAt: answer.publishedAt },
        after: { status: after.status, publishedAt: after.publishedAt, answerId: published.id, answerPublishedAt: published.publishedAt },
      });
    });
    this.events.emit('question:changed', { sessionId: j.f.sessionId, questionId: j.q.id, created: false, previousStatus: j.q.status });
    return toFollowUpItem(this.joined(id));
  }
}
