import type { FollowUpStatus } from '../../../shared/schemas/enums';
import type { FollowUpUpdateBody } from '../../../shared/schemas/requests';
import type { FollowUpItem, FollowUpListQuery } from '../../../shared/schemas/secretariat';
import type { DbPort } from '../../db/port';
import { requireStaff, type Actor } from '../actor';
import { distinctAgencies } from '../agencies';
import { recordAudit } from '../audit/audit.repo';
import { nowIso } from '../clock';
import { DomainError } from '../errors';
import type { DomainEvents } from '../events';
import type { SessionsService } from '../sessions/sessions.service';
import { todayInVietnam, toFollowUp } from '../questions/question-view';
import type { FollowUpRow } from '../questions/questions.repo';
import { FollowUpsRepo, type FollowUpJoined } from './followups.repo';
import { cleanLine } from '../../../shared/text';

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
      number: j.q.number,
      text: j.q.text,
      status: j.q.status,
      trackingCode: j.q.trackingCode,
      anonymous: j.q.anonymous,
      // Anonymous stays anonymous in the follow-up list too: the secretariat
      // reaches the asker through the audited contact lookup, not by name.
      authorName: j.q.anonymous ? null : j.author.displayName,
      locality: j.q.anonymous ? null : j.author.locality,
      group: j.q.anonymous ? null : j.author.group,
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
    private readonly port: DbPort,
    private readonly events: DomainEvents,
    private readonly sessions: SessionsService,
  ) {
    this.repo = new FollowUpsRepo(port);
  }

  async list(actor: Actor, query: FollowUpListQuery = {}): Promise<FollowUpItem[]> {
    const scope = await this.sessions.scopeOf(actor);
    if (query.sessionId !== undefined) await this.sessions.requireStaffOf(actor, query.sessionId);
    const today = todayInVietnam();
    const agency = query.agency ? fold(query.agency.trim()) : '';
    // Agency and overdue are filtered here: Vietnamese case folding is beyond
    // SQLite's lower(), and overdue is derived from today's date in Vietnam.
    return (await this.repo.list({ status: query.status, sessionId: query.sessionId }))
      .filter((j) => scope === null || scope.has(j.f.sessionId))
      .map((j) => toFollowUpItem(j, today))
      .filter((i) => !agency || fold(i.agency).includes(agency))
      .filter((i) => query.overdue === undefined || i.overdue === query.overdue);
  }

  async get(actor: Actor, id: number): Promise<FollowUpItem> {
    requireStaff(actor);
    const j = await this.joined(id);
    await this.sessions.requireStaffOf(actor, j.f.sessionId);
    return toFollowUpItem(j);
  }

  private async joined(id: number): Promise<FollowUpJoined> {
    const j = await this.repo.byId(id);
    if (!j) throw new DomainError('FOLLOWUP_NOT_FOUND', `no follow-up ${id}`);
    return j;
  }

  async update(actor: Actor, id: number, body: FollowUpUpdateBody): Promise<FollowUpItem> {
    requireStaff(actor, WORKERS);
    const seen = await this.joined(id);
    await this.sessions.requireStaffOf(actor, seen.f.sessionId, WORKERS);
    // Checked on what it is read as first (nothing to write: no transaction)…
    if (Object.keys(this.changes(seen.f, body)).length === 0) return toFollowUpItem(seen);
    const now = nowIso();
    const done = await this.port.tx(async () => {
      // …and again on the row held: another secretary may have moved it meanwhile.
      const j = (await this.repo.lockedById(id))!;
      const before = j.f;
      const patch = this.changes(before, body);
      if (Object.keys(patch).length === 0) return null;
      const after = await this.repo.update(id, { ...patch, updatedAt: now });
      // The question carries the responsible agency too (shown in every view).
      await this.repo.touchQuestion(j.q.id, { updatedAt: now, ...(patch.agency && { agency: patch.agency }) });
      await recordAudit(this.port, actor, {
        action: 'followup.update',
        entity: 'follow_up',
        entityId: id,
        sessionId: before.sessionId,
        before: { status: before.status, agency: before.agency, supportingAgencies: before.supportingAgencies, deadline: before.deadline },
        after: { status: after.status, agency: after.agency, supportingAgencies: after.supportingAgencies, deadline: after.deadline },
      });
      return j;
    });
    if (!done) return toFollowUpItem(await this.joined(id));
    // The asker's view shows the follow-up's agency, deadline and status.
    this.events.emit('question:changed', { sessionId: done.f.sessionId, questionId: done.q.id, created: false, previousStatus: done.q.status });
    return toFollowUpItem(await this.joined(id));
  }

  /** What `body` changes in the follow-up as it stands (empty: nothing); throws if a move is not allowed. */
  private changes(before: FollowUpRow, body: FollowUpUpdateBody): Partial<FollowUpRow> {
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
      const agency = cleanLine(body.agency);
      if (!agency) throw new DomainError('INVALID_PAYLOAD', 'agency is empty');
      if (agency !== before.agency) patch.agency = agency;
    }
    if (body.supportingAgencies !== undefined) {
      const supporting = JSON.stringify(distinctAgencies(body.supportingAgencies, [patch.agency ?? before.agency]));
      if (supporting !== before.supportingAgencies) patch.supportingAgencies = supporting;
    }
    if (body.deadline !== undefined && body.deadline !== before.deadline) {
      if (Number.isNaN(Date.parse(`${body.deadline}T00:00:00Z`))) throw new DomainError('INVALID_PAYLOAD', 'deadline is not a date');
      patch.deadline = body.deadline;
    }
    return patch;
  }

  /**
   * Publishes the recorded written answer: the asker sees it in the
   * participant view and on the tracking page. Publishing the same answer
   * twice changes nothing; a newer written answer recorded since replaces the
   * published one's place as the follow-up's answer and can be published too.
   */
  async publish(actor: Actor, id: number): Promise<FollowUpItem> {
    requireStaff(actor, WORKERS);
    const seen = await this.joined(id);
    await this.sessions.requireStaffOf(actor, seen.f.sessionId, WORKERS);
    const publishable = (j: FollowUpJoined): j is FollowUpJoined & { answer: NonNullable<FollowUpJoined['answer']> } => {
      if (!j.answer || j.answer.kind !== 'written') {
        throw new DomainError('NO_WRITTEN_ANSWER', 'record a written answer before publishing');
      }
      // Published already: nothing to do.
      return !(j.answer.publishedAt && j.f.publishedAt && j.f.status === 'answered');
    };
    if (!publishable(seen)) return toFollowUpItem(seen);
    const now = nowIso();
    const done = await this.port.tx(async () => {
      // Checked again on the row held: two publishes at once publish once.
      const j = (await this.repo.lockedById(id))!;
      if (!publishable(j)) return null;
      const answer = j.answer;
      const published = answer.publishedAt ? answer : await this.repo.publishAnswer(answer.id, now);
      const after = await this.repo.update(id, { status: 'answered', publishedAt: now, updatedAt: now });
      await this.repo.touchQuestion(j.q.id, { updatedAt: now });
      await recordAudit(this.port, actor, {
        action: 'followup.publish',
        entity: 'follow_up',
        entityId: id,
        sessionId: j.f.sessionId,
        before: { status: j.f.status, publishedAt: j.f.publishedAt, answerId: answer.id, answerPublishedAt: answer.publishedAt },
        after: { status: after.status, publishedAt: after.publishedAt, answerId: published.id, answerPublishedAt: published.publishedAt },
      });
      return j;
    });
    if (!done) return toFollowUpItem(await this.joined(id));
    this.events.emit('question:changed', { sessionId: done.f.sessionId, questionId: done.q.id, created: false, previousStatus: done.q.status });
    return toFollowUpItem(await this.joined(id));
  }
}
