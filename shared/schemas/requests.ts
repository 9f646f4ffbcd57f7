import { Type, type Static } from 'typebox';
import {
  AnswerKind,
  CommitmentStatus,
  FollowUpStatus,
  Id,
  ModerationAction,
  ModerationMode,
  ParticipantGroup,
  RejectReason,
  Role,
  SessionStatus,
} from './enums';

/** Calendar date `YYYY-MM-DD` (deadlines). */
export const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10 });
const IsoDateTime = Type.String({ format: 'date-time', maxLength: 40 });
const Text = (max: number, min = 1) => Type.String({ minLength: min, maxLength: max });

export const LoginBody = Type.Object(
  { username: Text(64), password: Text(200) },
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
    name: Text(120),
    title: Type.Optional(Type.Union([Text(160, 0), Type.Null()])),
    agency: Type.Optional(Type.Union([Text(160, 0), Type.Null()])),
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
    text: Type.Optional(Text(5000)),
    topic: Type.Optional(Type.Union([Text(100, 0), Type.Null()])),
    targetId: Type.Optional(Id),
    assignee: Type.Optional(Type.Union([Text(160, 0), Type.Null()])),
    agency: Type.Optional(Text(200)),
    deadline: Type.Optional(IsoDate),
    note: Type.Optional(Type.Union([Text(2000, 0), Type.Null()])),
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
    answeredBy: Type.Optional(Type.Union([Text(200, 0), Type.Null()])),
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
    deadline: Type.Optional(IsoDate),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type FollowUpUpdateBody = Static<typeof FollowUpUpdateBody>;

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export type IdParams = Static<typeof IdParams>;

export const SessionIdPayload = Type.Object({ sessionId: Id }, { additionalProperties: false });
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
