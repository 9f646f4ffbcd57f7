import type { DbPort } from '../../db/port';
import { DomainError } from '../errors';
import type { ErrorCode } from '../../../shared/errors';
import type { GroupCommit } from '../../db/group-commit';
import type { QuestionsService } from '../questions/questions.service';
import { normalizeJoinCode } from '../sessions/join-code';
import { isJoinable } from '../sessions/lifecycle';
import type { SessionsService } from '../sessions/sessions.service';
import { VenuesRepo } from './venues.repo';

export interface SmsMessage {
  from: string;
  text: string;
  receivedAt: string;
  messageId: string;
}

export interface SmsAccepted {
  accepted: true;
  /** What the gateway sends back to the phone. */
  reply: string;
  question: { id: number; number: number; trackingCode: string; sessionId: number; venueId: number | null };
}

/** A refusal the gateway can still answer the sender with (`reply`, in Vietnamese). */
export class SmsRefusal extends DomainError {
  /** The message to remember as refused (its id is never taken later), when it got that far. */
  remember?: { messageId: string; receivedAt: string };

  constructor(
    code: ErrorCode,
    readonly reply: string,
    message?: string,
  ) {
    super(code, message);
  }
}

const HOWTO = 'Hãy gửi: <mã hội nghị> <câu hỏi>.';

/** Why a message was not taken, said to the person who sent it. */
function replyFor(code: ErrorCode, detail: { code?: string; max?: number } = {}): string {
  switch (code) {
    case 'SESSION_NOT_FOUND':
      return `Không tìm thấy hội nghị có mã ${detail.code ?? ''}. ${HOWTO}`.replace('mã  ', 'mã ');
    case 'QUESTION_EMPTY':
      return `Tin nhắn chưa có câu hỏi. ${HOWTO}`;
    case 'QUESTION_TOO_LONG':
      return `Câu hỏi dài quá ${detail.max ?? ''} ký tự, chưa được nhận.`;
    case 'SESSION_CLOSED':
      return 'Hội nghị đã kết thúc, không nhận thêm câu hỏi.';
    case 'SESSION_NOT_ACCEPTING':
    case 'SESSION_NOT_JOINABLE':
      return 'Hội nghị chưa mở nhận câu hỏi.';
    case 'RATE_LIMITED':
      return 'Số điện thoại này gửi quá nhiều tin nhắn. Vui lòng đợi vài phút rồi gửi lại.';
    case 'SMS_REPLAYED':
      return 'Tin nhắn này đã được nhận trước đó.';
    case 'SMS_STALE':
      return 'Tin nhắn đến quá muộn nên không được nhận. Vui lòng gửi lại.';
    default:
      return 'Chưa nhận được câu hỏi. Vui lòng thử lại sau.';
  }
}

/** Phone numbers as gateways send them: keep digits and a leading +. */
export const normalizePhone = (from: string): string => {
  const t = from.trim();
  return (t.startsWith('+') ? '+' : '') + t.replace(/\D/g, '');
};

/**
 * Questions by SMS. The gateway's signature is checked by the transport; this
 * checks freshness (receivedAt within the window), takes each message id once,
 * finds the session or venue by the code the text starts with, and files the
 * question like any other (channel `sms`). Every message seen is remembered by
 * its id, accepted or not, so a replay is refused.
 */
export class SmsIntakeService {
  private readonly venues: VenuesRepo;
  constructor(
    private readonly port: DbPort,
    private readonly sessions: SessionsService,
    private readonly questions: QuestionsService,
    private readonly groupCommit: GroupCommit,
    private readonly windowMs: number,
  ) {
    this.venues = new VenuesRepo(port);
  }

  async intake(msg: SmsMessage, now = Date.now()): Promise<SmsAccepted> {
    try {
      return await this.groupCommit.run(() => this.intakeNow(msg, now));
    } catch (e) {
      // The refused action's savepoint rolled back: its message id is remembered in a transaction of its own.
      if (e instanceof SmsRefusal && e.remember) {
        const { messageId, receivedAt } = e.remember;
        await this.port
          .tx(async () => {
            // Already there (a replay, or the same message taken by another node meanwhile): nothing to add.
            await this.venues.recordSms({ messageId, receivedAt, questionId: null, outcome: e.code });
          })
          .catch(() => undefined); // the refusal is the answer either way
      }
      throw e;
    }
  }

  private async intakeNow(msg: SmsMessage, now: number): Promise<SmsAccepted> {
    const at = Date.parse(msg.receivedAt);
    if (Number.isNaN(at) || Math.abs(now - at) > this.windowMs) {
      throw new SmsRefusal('SMS_STALE', replyFor('SMS_STALE'), `receivedAt must be within ${this.windowMs / 1000} s of now`);
    }
    if (await this.venues.smsSeen(msg.messageId)) throw new SmsRefusal('SMS_REPLAYED', replyFor('SMS_REPLAYED'), 'this message id was taken before');
    const receivedAt = new Date(at).toISOString();
    try {
      const phone = normalizePhone(msg.from);
      if (phone.replace('+', '').length < 3) throw new DomainError('INVALID_PAYLOAD', 'from is not a phone number');
      const [first = ''] = msg.text.normalize('NFC').trim().split(/\s+/);
      const code = normalizeJoinCode(first);
      const venue = (await this.sessions.repo.byActiveCode(code)) ? undefined : await this.venues.byCode(code);
      const session = venue ? await this.sessions.repo.byId(venue.sessionId) : await this.sessions.repo.byActiveCode(code);
      if (!session || session.status === 'archived' || code === '') {
        throw new SmsRefusal('SESSION_NOT_FOUND', replyFor('SESSION_NOT_FOUND', { code: first.slice(0, 16) }), 'no session or venue with this code');
      }
      if (!isJoinable(session.status) && session.status !== 'closed') {
        throw new SmsRefusal('SESSION_NOT_ACCEPTING', replyFor('SESSION_NOT_ACCEPTING'));
      }
      const venueId = venue?.id ?? null;
      const text = msg.text.normalize('NFC').trim().slice(first.length);
      // A savepoint of the group commit's batch: a refused question leaves no participant behind.
      const q = await this.port.tx(async () => {
        const row = await this.questions.takeSms(
          session,
          venueId,
          phone,
          text,
          async () =>
            (await this.venues.smsParticipant(session.id, phone)) ??
            (await this.questions.repo.insertProxyParticipant({ sessionId: session.id, venueId, contact: phone })),
        );
        // The check above is only the cheap answer: the same message may reach two nodes at once. Its id is
        // taken here, in the question's transaction; the one that finds it taken is refused and files nothing.
        if (!(await this.venues.recordSms({ messageId: msg.messageId, receivedAt, questionId: row.id, outcome: 'accepted' }))) {
          throw new SmsRefusal('SMS_REPLAYED', replyFor('SMS_REPLAYED'), 'this message id was taken before');
        }
        return row;
      });
      return {
        accepted: true,
        reply: `Đã nhận câu hỏi số ${q.number}. Mã theo dõi: ${q.trackingCode}.`,
        question: { id: q.id, number: q.number, trackingCode: q.trackingCode, sessionId: session.id, venueId },
      };
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      // Remembered even when refused (by intake, once this savepoint has rolled back): the same message id is never taken later.
      const max = e.code === 'QUESTION_TOO_LONG' ? Number(/\d+/.exec(e.message)?.[0]) : undefined;
      const refusal = e instanceof SmsRefusal ? e : new SmsRefusal(e.code, replyFor(e.code, { max }), e.message);
      refusal.remember = { messageId: msg.messageId, receivedAt };
      throw refusal;
    }
  }
}
