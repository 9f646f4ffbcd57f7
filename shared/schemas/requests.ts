import { Type, type Static } from 'typebox';
import {
  AnswerKind,
  CommitmentStatus,
  FollowUpStatus,
  Id,
  MAX_INT32,
  ModerationAction,
  ModerationMode,
  PanelRole,
  ParticipantGroup,
  RejectReason,
  TakenChannel,
  Role,
  SessionStatus,
} from './enums';
import { AUDIENCE_GROUPS } from '../constants';

/** Calendar date `YYYY-MM-DD` (deadlines). */
export const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10 });
const IsoDateTime = Type.String({ format: 'date-time', maxLength: 40 });
const Text = (max: number, min = 1) => Type.String({ minLength: min, maxLength: max });

export const LoginBody = Type.Object(
  {
    username: Text(64),
    password: Text(200),
    /** The device token a previous sign-in of this account on this device returned (see docs/operations.md). */
    deviceToken: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const CreateUserBody = Type.Object(
  {
    username: Type.String({ minLength: 3, maxLength: 64, pattern: '^[a-zA-Z0-9_.-]+$' }),
    password: Type.String({ minLength: 8, maxLength: 200 }),
    displayName: Text(120),
    role: Role,
    title: Type.Optional(Text(160, 0)),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(Text(120)),
    role: Type.Optional(Role),
    title: Type.Optional(Type.Union([Text(160, 0), Type.Null()])),
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const PanelMemberInput = Type.Object(
  {
    /** An existing seat keeps its id (and the answers given from it). */
    id: Type.Optional(Id),
    name: Text(120),
    title: Type.Optional(Type.Union([Text(160, 0), Type.Null()])),
    agency: Type.Optional(Type.Union([Text(160, 0), Type.Null()])),
    /** Default `member`; at most one chair and one secretary per session. */
    role: Type.Optional(PanelRole),
    userId: Type.Optional(Type.Union([Id, Type.Null()])),
  },
  { additionalProperties: false },
);
export type PanelMemberInput = Static<typeof PanelMemberInput>;

const SessionFields = {
  title: Text(300),
  audience: Text(200),
  startsAt: IsoDateTime,
  place: Type.Optional(Type.Union([Text(300, 0), Type.Null()])),
  description: Type.Optional(Type.Union([Text(5000, 0), Type.Null()])),
  moderation: ModerationMode,
  anonymousAllowed: Type.Optional(Type.Boolean()),
  maxQuestionLength: Type.Optional(Type.Integer({ minimum: 20, maximum: 5000 })),
  preSubmissionOpensAt: Type.Optional(Type.Union([IsoDateTime, Type.Null()])),
  chair: Type.Optional(Type.Union([Text(160, 0), Type.Null()])),
  secretary: Type.Optional(Type.Union([Text(160, 0), Type.Null()])),
  panel: Type.Optional(Type.Array(PanelMemberInput, { maxItems: 50 })),
  /** Days after the close at which participants' contact details are erased (default 90). */
  retentionDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  /** The organising unit (GET /api/units); default: the first unit. */
  unitId: Type.Optional(Id),
  /** Who the dialogue is with: youth, farmer, worker, business, front, other. */
  audienceGroup: Type.Optional(Type.Union([Type.Enum(AUDIENCE_GROUPS), Type.Null()])),
  /** Statutory checklist (admin, or the session's secretary): plan published, dialogue announced, results published. */
  planPublishedAt: Type.Optional(Type.Union([IsoDate, Type.Null()])),
  announcedAt: Type.Optional(Type.Union([IsoDate, Type.Null()])),
  resultsPublishedAt: Type.Optional(Type.Union([IsoDate, Type.Null()])),
};

export const CreateSessionBody = Type.Object(SessionFields, { additionalProperties: false });
export type CreateSessionBody = Static<typeof CreateSessionBody>;

export const UpdateSessionBody = Type.Object(
  {
    title: Type.Optional(SessionFields.title),
    audience: Type.Optional(SessionFields.audience),
    startsAt: Type.Optional(SessionFields.startsAt),
    place: SessionFields.place,
    description: SessionFields.description,
    moderation: Type.Optional(SessionFields.moderation),
    anonymousAllowed: SessionFields.anonymousAllowed,
    maxQuestionLength: SessionFields.maxQuestionLength,
    preSubmissionOpensAt: SessionFields.preSubmissionOpensAt,
    chair: SessionFields.chair,
    secretary: SessionFields.secretary,
    panel: SessionFields.panel,
    retentionDays: SessionFields.retentionDays,
    unitId: SessionFields.unitId,
    audienceGroup: SessionFields.audienceGroup,
    planPublishedAt: SessionFields.planPublishedAt,
    announcedAt: SessionFields.announcedAt,
    resultsPublishedAt: SessionFields.resultsPublishedAt,
    status: Type.Optional(SessionStatus),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSessionBody = Static<typeof UpdateSessionBody>;

export const JoinBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 16 }),
    displayName: Type.Optional(Text(120, 0)),
    locality: Type.Optional(Text(160, 0)),
    /** Code of the unit chosen from the official list (GET /api/localities); an unknown one is 400 LOCALITY_UNKNOWN. Its label becomes `locality`. */
    localityCode: Type.Optional(Type.Union([Type.String({ maxLength: 10 }), Type.Null()])),
    group: Type.Optional(ParticipantGroup),
    contact: Type.Optional(Text(200, 0)),
  },
  { additionalProperties: false },
);
export type JoinBody = Static<typeof JoinBody>;

/** Length is checked against the session's own limit in the service. */
export const SubmitQuestionBody = Type.Object(
  {
    text: Type.String({ maxLength: 5000 }),
    anonymous: Type.Optional(Type.Boolean()),
    clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
  },
  { additionalProperties: false },
);
export type SubmitQuestionBody = Static<typeof SubmitQuestionBody>;

export const ModerateBody = Type.Object(
  {
    action: ModerationAction,
    reason: Type.Optional(RejectReason),
    /** reject with reason `other`: the moderator's words, shown to the asker (required then). */
    reasonNote: Type.Optional(Text(300)),
    text: Type.Optional(Text(5000)),
    topic: Type.Optional(Type.Union([Text(100, 0), Type.Null()])),
    targetId: Type.Optional(Id),
    assignee: Type.Optional(Type.Union([Text(160, 0), Type.Null()])),
    agency: Type.Optional(Text(200)),
    /** defer: bodies supporting the lead `agency`. */
    supportingAgencies: Type.Optional(Type.Array(Text(200), { maxItems: 20 })),
    deadline: Type.Optional(IsoDate),
    note: Type.Optional(Type.Union([Text(2000, 0), Type.Null()])),
    /** classify: the field (lĩnh vực), or null to clear it; the question's opinion follows. */
    fieldId: Type.Optional(Type.Union([Id, Type.Null()])),
    /** Optimistic concurrency: the `updatedAt` the moderator acted on. */
    expectedUpdatedAt: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type ModerateBody = Static<typeof ModerateBody>;

export const CommitmentInput = Type.Object(
  { text: Text(2000), agency: Text(200), deadline: Type.Optional(Type.Union([IsoDate, Type.Null()])) },
  { additionalProperties: false },
);
export type CommitmentInput = Static<typeof CommitmentInput>;

export const AnswerBody = Type.Object(
  {
    text: Text(20000),
    kind: AnswerKind,
    /** The panel seat that answered (live answers; a leader's own seat is used for the leader). */
    panelSeatId: Type.Optional(Type.Union([Id, Type.Null()])),
    commitments: Type.Optional(Type.Array(CommitmentInput, { maxItems: 50 })),
  },
  { additionalProperties: false },
);
export type AnswerBody = Static<typeof AnswerBody>;

export const CommitmentUpdateBody = Type.Object(
  {
    status: Type.Optional(CommitmentStatus),
    agency: Type.Optional(Text(200)),
    deadline: Type.Optional(Type.Union([IsoDate, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type CommitmentUpdateBody = Static<typeof CommitmentUpdateBody>;

export const FollowUpUpdateBody = Type.Object(
  {
    status: Type.Optional(FollowUpStatus),
    agency: Type.Optional(Text(200)),
    supportingAgencies: Type.Optional(Type.Array(Text(200), { maxItems: 20 })),
    deadline: Type.Optional(IsoDate),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type FollowUpUpdateBody = Static<typeof FollowUpUpdateBody>;

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: MAX_INT32 }) });
export type IdParams = Static<typeof IdParams>;

export const SessionIdPayload = Type.Object({ sessionId: Id }, { additionalProperties: false });
/** `as: 'display'` asks for the big screen's view (no identity of anonymous askers, public questions only). */
export const JoinSessionPayload = Type.Object(
  { sessionId: Id, as: Type.Optional(Type.Literal('display')) },
  { additionalProperties: false },
);
export type JoinSessionPayload = Static<typeof JoinSessionPayload>;
export const QuestionIdPayload = Type.Object({ questionId: Id }, { additionalProperties: false });
export const SubmitQuestionPayload = Type.Object(
  { sessionId: Id, ...SubmitQuestionBody.properties },
  { additionalProperties: false },
);
export type SubmitQuestionPayload = Static<typeof SubmitQuestionPayload>;
export const ModeratePayload = Type.Object(
  { questionId: Id, ...ModerateBody.properties },
  { additionalProperties: false },
);
export type ModeratePayload = Static<typeof ModeratePayload>;

export const SessionStaffBody = Type.Object(
  {
    userIds: Type.Array(Id, { maxItems: 200, uniqueItems: true }),
    /** Venue moderators: these users act on one venue's questions only (the user must be in `userIds`). */
    venues: Type.Optional(Type.Array(Type.Object({ userId: Id, venueId: Id }, { additionalProperties: false }), { maxItems: 200 })),
  },
  { additionalProperties: false },
);
export type SessionStaffBody = Static<typeof SessionStaffBody>;

export const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Type.String({ minLength: 8, maxLength: 200 }) },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

export const AuditQuery = Type.Object(
  {
    sessionId: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT32 })),
    entity: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    entityId: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT32 })),
    actorId: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT32 })),
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    /** Entries older than this id (the `nextBefore` of the previous page). */
    before: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT32 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;
export const BanBody = Type.Object({ reason: Text(500) }, { additionalProperties: false });
export type BanBody = Static<typeof BanBody>;

export const CreateVenueBody = Type.Object(
  { name: Text(200), locality: Type.Optional(Text(160, 0)), attendance: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 10_000_000 }), Type.Null()])) },
  { additionalProperties: false },
);
export type CreateVenueBody = Static<typeof CreateVenueBody>;

/** The secretariat enters each venue's attendance for the minutes; an admin may rename it. */
export const UpdateVenueBody = Type.Object(
  { name: Type.Optional(Text(200)), locality: Type.Optional(Type.Union([Text(160, 0), Type.Null()])), attendance: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 10_000_000 }), Type.Null()])) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateVenueBody = Static<typeof UpdateVenueBody>;

/** A question a moderator or secretary takes on someone's behalf: raised on the floor, a paper slip, the hotline. */
export const TakenQuestionBody = Type.Object(
  {
    text: Type.String({ maxLength: 5000 }),
    channel: TakenChannel,
    venueId: Type.Optional(Type.Union([Id, Type.Null()])),
    personName: Type.Optional(Text(120, 0)),
    locality: Type.Optional(Text(160, 0)),
    group: Type.Optional(ParticipantGroup),
    anonymous: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type TakenQuestionBody = Static<typeof TakenQuestionBody>;

/** What an SMS gateway posts: the text starts with a session or venue code. */
export const SmsIntakeBody = Type.Object(
  {
    from: Type.String({ minLength: 3, maxLength: 32 }),
    text: Type.String({ maxLength: 2000 }),
    receivedAt: Type.String({ minLength: 1, maxLength: 40 }),
    messageId: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);
export type SmsIntakeBody = Static<typeof SmsIntakeBody>;
