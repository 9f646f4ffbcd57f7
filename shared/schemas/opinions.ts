import { Type, type Static } from 'typebox';
import { AUDIENCE_GROUPS, OPINION_CHANNELS, OPINION_ENTRY_CHANNELS, OPINION_LEVELS, OPINION_OUTCOMES, UNIT_LEVELS } from '../constants';
import { Id, MAX_INT32, ParticipantGroup, QuestionStatus } from './enums';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const IsoDateTime = Type.String({ format: 'date-time' });
/** Calendar date `YYYY-MM-DD`. */
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10 });
const Text = (max: number, min = 1) => Type.String({ minLength: min, maxLength: max });

export const UnitLevel = Type.Enum(UNIT_LEVELS);
export type UnitLevel = (typeof UNIT_LEVELS)[number];
export const OpinionChannel = Type.Enum(OPINION_CHANNELS);
export type OpinionChannel = (typeof OPINION_CHANNELS)[number];
export const OpinionEntryChannel = Type.Enum(OPINION_ENTRY_CHANNELS);
export type OpinionEntryChannel = (typeof OPINION_ENTRY_CHANNELS)[number];
export const OpinionLevel = Type.Enum(OPINION_LEVELS);
export type OpinionLevel = (typeof OPINION_LEVELS)[number];
export const OpinionOutcome = Type.Enum(OPINION_OUTCOMES);
export type OpinionOutcome = (typeof OPINION_OUTCOMES)[number];
export const AudienceGroup = Type.Enum(AUDIENCE_GROUPS);
export type AudienceGroup = (typeof AUDIENCE_GROUPS)[number];

// ---- units ----------------------------------------------------------------------

/** The organising unit named in document headers. */
export const Unit = Type.Object({
  id: Id,
  /** As printed in headers: "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG". */
  name: Type.String(),
  /** In document numbers: "UBND" in "12/BB-UBND". */
  abbreviation: Type.String(),
  level: UnitLevel,
  /** Printed above the name in headers. */
  parentName: Nullable(Type.String()),
  /** The place-and-date line: "Tuyên Quang, ngày …". */
  place: Type.String(),
  /** Official code of the administrative unit, when it is one. */
  code: Nullable(Type.String()),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Unit = Static<typeof Unit>;

/** Capitals, digits, "-", "." or "&" (as the settings' abbreviation). */
const Abbreviation = Type.String({ minLength: 1, maxLength: 40, pattern: '^[\\p{Lu}\\p{N}Đ][\\p{Lu}\\p{N}Đ.&-]*$' });
const UnitCode = Type.String({ minLength: 1, maxLength: 20, pattern: '^[0-9A-Za-z._-]+$' });

export const CreateUnitBody = Type.Object(
  {
    name: Text(200),
    abbreviation: Abbreviation,
    level: UnitLevel,
    parentName: Type.Optional(Type.Union([Text(200, 0), Type.Null()])),
    place: Text(100),
    code: Type.Optional(Type.Union([UnitCode, Type.Null()])),
  },
  { additionalProperties: false },
);
export type CreateUnitBody = Static<typeof CreateUnitBody>;

export const UpdateUnitBody = Type.Object(
  {
    name: Type.Optional(CreateUnitBody.properties.name),
    abbreviation: Type.Optional(Abbreviation),
    level: Type.Optional(UnitLevel),
    parentName: CreateUnitBody.properties.parentName,
    place: Type.Optional(CreateUnitBody.properties.place),
    code: CreateUnitBody.properties.code,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUnitBody = Static<typeof UpdateUnitBody>;

// ---- fields ---------------------------------------------------------------------

/** A field (lĩnh vực) opinions are classified by. */
export const Field = Type.Object({
  id: Id,
  name: Type.String(),
  /** Lower-case, diacritics-free phrases that suggest this field from a text (whole-phrase match). */
  keywords: Type.Array(Type.String()),
  position: Type.Integer(),
  /** Retired fields stay on what was classified with them and are offered no more. */
  active: Type.Boolean(),
});
export type Field = Static<typeof Field>;

const Keywords = Type.Array(Text(60), { maxItems: 100 });
export const CreateFieldBody = Type.Object(
  { name: Text(120), keywords: Type.Optional(Keywords), position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })) },
  { additionalProperties: false },
);
export type CreateFieldBody = Static<typeof CreateFieldBody>;

export const UpdateFieldBody = Type.Object(
  {
    name: Type.Optional(Text(120)),
    keywords: Type.Optional(Keywords),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateFieldBody = Static<typeof UpdateFieldBody>;

// ---- opinions -------------------------------------------------------------------

/**
 * A row of the register: a session's question (approved or later) or an
 * opinion entered from another channel. `personName` and `locality` are
 * personal data: the secretariat sees them here, the public never.
 */
export const Opinion = Type.Object({
  id: Id,
  unitId: Id,
  sessionId: Nullable(Id),
  questionId: Nullable(Id),
  /** The question's number in its session (#12), for a session's opinion. */
  questionNumber: Nullable(Type.Integer()),
  /** The question's status, for a session's opinion. */
  questionStatus: Nullable(QuestionStatus),
  channel: OpinionChannel,
  receivedAt: IsoDateTime,
  text: Type.String(),
  /** Null when the asker was anonymous, gave no name, or the data was erased. */
  personName: Nullable(Type.String()),
  locality: Nullable(Type.String()),
  localityCode: Nullable(Type.String()),
  group: Nullable(ParticipantGroup),
  fieldId: Nullable(Id),
  /** The field's name (null: not classified). */
  field: Nullable(Type.String()),
  level: Nullable(OpinionLevel),
  leadAgency: Nullable(Type.String()),
  agencies: Type.Array(Type.String()),
  deadline: Nullable(IsoDate),
  /** Past its deadline with no outcome that closes it (resolved, explained, transferred). */
  overdue: Type.Boolean(),
  /**
   * Answered: a session's question has a live answer or a published written
   * answer; an entered opinion has an outcome and the reference of the
   * answering document. Kept apart from `outcome` ("answered" ≠ "resolved").
   */
  answered: Type.Boolean(),
  outcome: Nullable(OpinionOutcome),
  outcomeNote: Nullable(Type.String()),
  responseRef: Nullable(Type.String()),
  repeatOfId: Nullable(Id),
  /** How many opinions repeat this one (directly or through a chain of repeats). */
  repeatCount: Type.Integer(),
  /** The code the citizen looks the opinion up with (the question's own for a session's opinion). */
  trackingCode: Nullable(Type.String()),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Opinion = Static<typeof Opinion>;

export const OpinionList = Type.Object({ opinions: Type.Array(Opinion) });
export type OpinionList = Static<typeof OpinionList>;

export const CreateOpinionBody = Type.Object(
  {
    unitId: Id,
    channel: OpinionEntryChannel,
    /** When the opinion was received (a date or a date-time); not in the future. */
    receivedAt: Type.String({ minLength: 10, maxLength: 40 }),
    text: Type.String({ maxLength: 5000 }),
    personName: Type.Optional(Text(120, 0)),
    locality: Type.Optional(Text(160, 0)),
    localityCode: Type.Optional(Type.Union([UnitCode, Type.Null()])),
    group: Type.Optional(ParticipantGroup),
    fieldId: Type.Optional(Type.Union([Id, Type.Null()])),
  },
  { additionalProperties: false },
);
export type CreateOpinionBody = Static<typeof CreateOpinionBody>;

const Classification = {
  fieldId: Type.Optional(Type.Union([Id, Type.Null()])),
  level: Type.Optional(Type.Union([OpinionLevel, Type.Null()])),
  leadAgency: Type.Optional(Type.Union([Text(200, 0), Type.Null()])),
};

export const UpdateOpinionBody = Type.Object(
  {
    ...Classification,
    agencies: Type.Optional(Type.Array(Text(200), { maxItems: 20 })),
    deadline: Type.Optional(Type.Union([IsoDate, Type.Null()])),
    outcome: Type.Optional(Type.Union([OpinionOutcome, Type.Null()])),
    /** Required with outcome `unresolved` (why). */
    outcomeNote: Type.Optional(Type.Union([Text(2000, 0), Type.Null()])),
    responseRef: Type.Optional(Type.Union([Text(300, 0), Type.Null()])),
    /** The earlier opinion this one repeats: same unit, not itself, no cycle. */
    repeatOfId: Type.Optional(Type.Union([Id, Type.Null()])),
    /** Entered opinions: the text, as received. */
    text: Type.Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateOpinionBody = Static<typeof UpdateOpinionBody>;

/** Classify many opinions at once (the register's bulk action): every one or none. */
export const BulkClassifyBody = Type.Object(
  { ids: Type.Array(Id, { minItems: 1, maxItems: 500, uniqueItems: true }), ...Classification },
  { additionalProperties: false, minProperties: 2 },
);
export type BulkClassifyBody = Static<typeof BulkClassifyBody>;

export const OpinionsQuery = Type.Object(
  {
    /** Received on or after this date (YYYY-MM-DD, Vietnam time). */
    from: Type.Optional(IsoDate),
    /** Received on or before this date (inclusive). */
    to: Type.Optional(IsoDate),
    unitId: Type.Optional(Id),
    sessionId: Type.Optional(Id),
    /** A field's id, or 0 for "not classified". */
    fieldId: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_INT32 })),
    level: Type.Optional(OpinionLevel),
    /** An outcome, or `none` for "no outcome yet". */
    outcome: Type.Optional(Type.Union([OpinionOutcome, Type.Literal('none')])),
    /** Lead or supporting agency, case- and diacritics-insensitive substring. */
    agency: Type.Optional(Text(200)),
    overdue: Type.Optional(Type.Boolean()),
    /** `session` (a session's questions) or `entered` (other channels). */
    source: Type.Optional(Type.Union([Type.Literal('session'), Type.Literal('entered')])),
  },
  { additionalProperties: false },
);
export type OpinionsQuery = Static<typeof OpinionsQuery>;

