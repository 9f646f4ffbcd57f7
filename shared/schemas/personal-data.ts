import { Type, type Static } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** What a session keeps about its participants, and until when. */
export const PersonalDataSummary = Type.Object({
  sessionId: Type.Integer(),
  retentionDays: Type.Integer(),
  closedAt: Nullable(Type.String()),
  /** When the contacts will be erased (null while the session is not closed). */
  contactsEraseAt: Nullable(Type.String()),
  contactsErasedAt: Nullable(Type.String()),
  participants: Type.Integer(),
  withName: Type.Integer(),
  withLocality: Type.Integer(),
  withContact: Type.Integer(),
  erased: Type.Integer(),
  banned: Type.Integer(),
});
export type PersonalDataSummary = Static<typeof PersonalDataSummary>;

/** What the register keeps about the people whose opinions the secretariat entered (reception, letters, hotline…). */
export const EnteredOpinionsData = Type.Object({
  opinions: Type.Integer(),
  withName: Type.Integer(),
  withLocality: Type.Integer(),
  erased: Type.Integer(),
});
export type EnteredOpinionsData = Static<typeof EnteredOpinionsData>;

/** The admin's view: every session, the entered opinions, and how long backups are kept. */
export const PersonalDataOverview = Type.Object({
  backupKeepDays: Type.Integer(),
  sessions: Type.Array(PersonalDataSummary),
  enteredOpinions: EnteredOpinionsData,
});
export type PersonalDataOverview = Static<typeof PersonalDataOverview>;

export const BanResult = Type.Object({
  participantId: Type.Integer(),
  sessionId: Type.Integer(),
  bannedAt: Type.String(),
  reason: Type.String(),
  /** Its pending questions, now rejected. */
  rejectedQuestions: Type.Array(Type.Integer()),
  /** The questions it had voted for, with their counts without its vote. */
  recounted: Type.Array(Type.Object({ questionId: Type.Integer(), votes: Type.Integer() })),
});
export type BanResult = Static<typeof BanResult>;
