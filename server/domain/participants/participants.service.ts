import { OpinionsRepo } from '../opinions/opinions.repo';
import { ParticipantsRepo } from './participants.repo';
import type { BanResult, PersonalDataOverview, PersonalDataSummary } from '../../../shared/schemas/personal-data';
import { and, eq, isNull } from 'drizzle-orm';
import type { JoinPreview, ParticipantView, Session } from '../../../shared/schemas/entities';
import type { JoinBody } from '../../../shared/schemas/requests';
import type { DbPort } from '../../db/port';
import type { participants } from '../../db/schema';
import { requireStaff, type Actor } from '../actor';
import { recordAudit } from '../audit/audit.repo';
import { DomainError } from '../errors';
import { normalizeJoinCode } from '../sessions/join-code';
import { isActive, isJoinable } from '../sessions/lifecycle';
import { contactsEraseAt, type SessionsService } from '../sessions/sessions.service';
import { cleanLine, cleanLineOrNull } from '../../../shared/text';
import { nowIso } from '../clock';
import type { DomainEvents } from '../events';
import type { QuestionRow, QuestionsRepo } from '../questions/questions.repo';
import type { ParticipantRegistry } from './participant-registry';
import type { GroupCommit } from '../../db/group-commit';
import { VenuesRepo } from '../venues/venues.repo';
import { localities } from '../localities/localities';

export type ParticipantRow = typeof participants.$inferSelect;


export const toParticipantView = (p: ParticipantRow): ParticipantView => ({
  id: p.id,
  sessionId: p.sessionId,
  displayName: p.displayName ?? null,
  locality: p.locality ?? null,
  localityCode: p.localityCode ?? null,
  group: p.group ?? null,
  venueId: p.venueId ?? null,
});

export class ParticipantsService {
  constructor(
    private readonly port: DbPort,
    private readonly sessions: SessionsService,
    private readonly events: DomainEvents,
    private readonly questionsRepo: QuestionsRepo,
    readonly registry: ParticipantRegistry,
    /** Joins share one COMMIT per event-loop turn: a hall scanning the QR code at once does not queue on the disk. */
    private readonly groupCommit: GroupCommit,
    private readonly venues: VenuesRepo = new VenuesRepo(port),
    private readonly participantsRepo: ParticipantsRepo = new ParticipantsRepo(port),
    private readonly opinionsRepo: OpinionsRepo = new OpinionsRepo(port),
  ) {}

  /**
   * What a code opens, before the person fills anything in. A wrong code and
   * a draft both read "no session with this code" (a draft is not public
   * yet); a closed or archived one says so and where its record is.
   */
  async preview(code: string): Promise<JoinPreview> {
    const c = normalizeJoinCode(code);
    const direct = await this.sessions.repo.byCode(c);
    // A linked venue's code opens its session too.
    const venue = direct ? undefined : await this.venues.byCode(c);
    const session = direct ?? (venue ? await this.sessions.repo.byId(venue.sessionId) : undefined);
    if (!session || session.status === 'draft') throw new DomainError('SESSION_NOT_FOUND', 'no session with this code');
    return {
      sessionId: session.id,
      title: session.title,
      audience: session.audience,
      place: session.place ?? null,
      startsAt: session.startsAt,
      status: session.status,
      joinable: isJoinable(session.status),
      ended: session.status === 'closed' || session.status === 'archived',
    };
  }

  /** Joins a session by its code (or a venue's); resolves once the participant is committed. */
  async join(body: JoinBody): Promise<{ participant: ParticipantView; session: Session }> {
    const joined = await this.groupCommit.run(() => this.joinNow(body));
    // Counted as a new participant (vote-surge signal) only once it exists for good.
    this.registry.joined(joined.participant.id);
    return joined;
  }

  private async joinNow(body: JoinBody): Promise<{ participant: ParticipantView; session: Session }> {
    const code = normalizeJoinCode(body.code);
    // A venue's own code places the participant in that linked hall.
    const venue = (await this.sessions.repo.byActiveCode(code)) ? undefined : await this.venues.byCode(code);
    const session = venue ? await this.sessions.repo.byId(venue.sessionId) : await this.sessions.repo.byActiveCode(code);
    if (!session || session.status === 'archived') throw new DomainError('SESSION_NOT_FOUND', 'no session with this code');
    if (session.status === 'closed') throw new DomainError('SESSION_CLOSED', 'this session has ended');
    if (!isJoinable(session.status)) throw new DomainError('SESSION_NOT_JOINABLE', 'this session is not open yet');
    const contact = cleanLineOrNull(body.contact);
    const { locality, localityCode } = localities().resolve(body.locality, body.localityCode);
    // No lock on the session row here, on purpose. On PostgreSQL a status change may commit
    // between the check above and this join's COMMIT; the join then counts as made just before
    // it (a transition reads nothing a join writes, so that order explains both). Holding the row
    // (FOR SHARE) would buy nothing more and could deadlock: a join runs in a group-commit batch
    // that may already hold question rows (votes), which a close updates after locking the session.
    const { participants } = this.port.t;
    const [row] = await this.port.q
      .insert(participants)
      .values({
        sessionId: session.id,
        displayName: cleanLineOrNull(body.displayName),
        locality,
        localityCode,
        group: body.group ?? null,
        contact,
        // Giving a contact on the join form (which says what it is for) is the consent; its time is kept with it.
        contactConsentAt: contact ? nowIso() : null,
        venueId: venue?.id ?? null,
      })
      .returning();
    return { participant: toParticipantView(row!), session: await this.sessions.view(session) };
  }

  async byId(id: number): Promise<ParticipantRow | undefined> {
    const { participants } = this.port.t;
    return (await this.port.q.select().from(participants).where(eq(participants.id, id)).limit(1))[0];
  }

  /** Contact details, for the secretariat to reach an asker. Every read is audited. */
  async contactOf(actor: Actor, participantId: number): Promise<{ contact: string | null }> {
    if (actor.kind !== 'staff' || (actor.role !== 'secretary' && actor.role !== 'admin')) {
      throw new DomainError(actor.kind === 'anonymous' ? 'UNAUTHORIZED' : 'FORBIDDEN', 'only the secretariat sees contact details');
    }
    const row = await this.byId(participantId);
    if (!row) throw new DomainError('NOT_FOUND', 'no such participant');
    await this.sessions.requireStaffOf(actor, row.sessionId, ['secretary', 'admin']);
    // Every write goes through the port, even a lone one: outside a transaction
    // it could land inside another action's, between two of its awaits.
    await this.port.tx(() =>
      recordAudit(this.port, actor, {
        action: 'participant.contact.view',
        entity: 'participant',
        entityId: participantId,
        sessionId: row.sessionId,
      }),
    );
    return { contact: row.contact ?? null };
  }

  /**
   * A moderator removes a participant from the session: its token and
   * sockets stop working, its pending questions are rejected and its votes
   * stop counting (the counters are recounted without them, and the tallies
   * on every phone follow). A closed session's record is frozen: there the
   * ban only stops the token.
   */
  async ban(actor: Actor, participantId: number, reason: string): Promise<BanResult> {
    const target = await this.byId(participantId);
    if (!target) throw new DomainError('NOT_FOUND', 'no such participant');
    await this.sessions.requireStaffOf(actor, target.sessionId, ['moderator', 'admin']);
    const why = cleanLine(reason);
    if (!why) throw new DomainError('INVALID_PAYLOAD', 'give a reason for the ban');
    if (target.bannedAt) {
      return { participantId, sessionId: target.sessionId, bannedAt: target.bannedAt, reason: target.banReason ?? '', rejectedQuestions: [], recounted: [] };
    }
    const session = await this.sessions.row(target.sessionId);
    const frozen = !isActive(session.status);
    const now = nowIso();
    const rejected: { id: number; previousStatus: QuestionRow['status'] }[] = [];
    let recounted: { questionId: number; votes: number }[] = [];
    const { participants, questions } = this.port.t;
    const banned = await this.port.tx(async () => {
      // Conditional: of two bans at once (PostgreSQL runs them side by side) one bans, the other finds it done.
      const mine = await this.port.q
        .update(participants)
        .set({ bannedAt: now, banReason: why })
        .where(and(eq(participants.id, participantId), isNull(participants.bannedAt)))
        .returning({ id: participants.id });
      if (mine.length === 0) return false;
      if (!frozen) {
        for (const q of await this.questionsRepo.ofParticipant(participantId)) {
          if (q.status !== 'pending') continue;
          // Only while still pending: a moderator's decision taken meanwhile stands.
          const moved = await this.port.q
            .update(questions)
            .set({ status: 'rejected', rejectReason: 'abusive', pinned: false, updatedAt: now })
            .where(and(eq(questions.id, q.id), eq(questions.status, 'pending')))
            .returning({ id: questions.id });
          if (moved.length > 0) rejected.push({ id: q.id, previousStatus: q.status });
        }
        recounted = await this.questionsRepo.removeAllVotesOf(participantId);
      }
      await recordAudit(this.port, actor, {
        action: 'participant.ban',
        entity: 'participant',
        entityId: participantId,
        sessionId: target.sessionId,
        after: { reason: why, rejectedQuestions: rejected.map((q) => q.id), votesRemoved: recounted },
      });
      return true;
    });
    if (!banned) {
      const done = (await this.byId(participantId))!;
      this.registry.markBanned(participantId);
      return { participantId, sessionId: done.sessionId, bannedAt: done.bannedAt ?? now, reason: done.banReason ?? '', rejectedQuestions: [], recounted: [] };
    }
    this.registry.markBanned(participantId);
    this.events.emit('participant:banned', { sessionId: target.sessionId, participantId });
    for (const q of rejected) {
      this.events.emit('question:changed', { sessionId: target.sessionId, questionId: q.id, created: false, previousStatus: q.previousStatus });
    }
    for (const r of recounted) this.events.emit('votes:changed', { sessionId: target.sessionId, questionId: r.questionId, votes: r.votes });
    return { participantId, sessionId: target.sessionId, bannedAt: now, reason: why, rejectedQuestions: rejected.map((q) => q.id), recounted };
  }

  /**
   * Erasure on request (Decree 13/2023, art. 16): the participant's name,
   * locality (and its official code), group and contact (with its consent time) are erased; its
   * questions stay in the record as anonymous ones, and its votes keep
   * counting (they hold nothing personal). Every view and export reads the
   * participant row, so the data is gone from all of them at once. The audit
   * entry says who erased and when, never what.
   */
  async erasePersonalData(actor: Actor, participantId: number): Promise<void> {
    const target = await this.byId(participantId);
    if (!target) throw new DomainError('NOT_FOUND', 'no such participant');
    await this.sessions.requireStaffOf(actor, target.sessionId, ['secretary', 'admin']);
    const now = nowIso();
    const own = await this.questionsRepo.ofParticipant(participantId);
    const { participants } = this.port.t;
    await this.port.tx(async () => {
      await this.port.q
        .update(participants)
        .set({ displayName: null, locality: null, localityCode: null, group: null, contact: null, contactConsentAt: null, erasedAt: now })
        .where(eq(participants.id, participantId));
      await this.questionsRepo.makeAnonymous(participantId);
      await recordAudit(this.port, actor, {
        action: 'participant.erase',
        entity: 'participant',
        entityId: participantId,
        sessionId: target.sessionId,
        after: { erasedAt: now, questions: own.map((q) => q.id) },
      });
    });
    for (const q of own) {
      this.events.emit('question:changed', { sessionId: q.sessionId, questionId: q.id, created: false, previousStatus: q.status });
    }
  }

  /** The admin's view: what every session keeps, and how long backups are kept. */
  async personalDataOverview(actor: Actor, backupKeepDays: number): Promise<PersonalDataOverview> {
    requireStaff(actor, ['admin']);
    const sessions: PersonalDataSummary[] = [];
    for (const s of await this.sessions.list(actor)) sessions.push(await this.personalDataSummary(actor, s.id));
    return {
      backupKeepDays,
      sessions,
      enteredOpinions: await this.opinionsRepo.enteredPersonalDataCounts(),
    };
  }

  /** What a session keeps about its participants, and until when (the admin view). */
  async personalDataSummary(actor: Actor, sessionId: number): Promise<PersonalDataSummary> {
    await this.sessions.requireStaffOf(actor, sessionId, ['secretary', 'admin']);
    const session = await this.sessions.row(sessionId);
    const c = await this.participantsRepo.personalDataCounts(sessionId);
    return {
      sessionId,
      retentionDays: session.retentionDays,
      closedAt: session.closedAt ?? null,
      contactsEraseAt: contactsEraseAt(session),
      contactsErasedAt: session.contactsErasedAt ?? null,
      ...c,
    };
  }
}

