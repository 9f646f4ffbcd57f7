import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';

// The PostgreSQL twin of ./sqlite.ts: same tables, columns, keys and indexes
// (tests/server/schema-parity.test.ts keeps them equal). Timestamps stay
// ISO-8601 text in UTC, as on SQLite, so that rows read the same on both.
const now = sql`(to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

export const users = pgTable('users', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: ['admin', 'moderator', 'leader', 'secretary'] }).notNull(),
  title: text('title'),
  passwordHash: text('password_hash').notNull(),
  disabled: boolean('disabled').notNull().default(false),
  /** Bumped to end every token issued before (logout, password change or reset, re-enabling). */
  tokenVersion: integer('token_version').notNull().default(0),
  createdAt: text('created_at').notNull().default(now),
  updatedAt: text('updated_at').notNull().default(now),
});

/** The organising unit (cơ quan tổ chức): printed in document headers, numbers documents, owns sessions and opinions. */
export const units = pgTable('units', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  /** As printed in headers: "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG". */
  name: text('name').notNull(),
  /** For document numbers: "UBND" in "12/BB-UBND". */
  abbreviation: text('abbreviation').notNull(),
  level: text('level', { enum: ['province', 'commune', 'agency'] }).notNull(),
  /** The body above it, printed above the name in headers ("TỈNH ỦY TUYÊN QUANG" above "BAN TUYÊN GIÁO VÀ DÂN VẬN"). */
  parentName: text('parent_name'),
  /** For the place-and-date line: "Tuyên Quang, ngày … tháng … năm …". */
  place: text('place').notNull(),
  /** Official code of the administrative unit, when it is one. */
  code: text('code'),
  createdAt: text('created_at').notNull().default(now),
  updatedAt: text('updated_at').notNull().default(now),
});

/** Fields (lĩnh vực) opinions are classified by; seeded with a default list, the admin can change it. */
export const fields = pgTable('fields', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  name: text('name').notNull().unique(),
  /** JSON array of lower-case, diacritics-free keywords that suggest this field from a question's text. */
  keywords: text('keywords').notNull().default('[]'),
  position: integer('position').notNull().default(0),
  /** Retired fields stay on what was classified with them, and are offered no more. */
  active: boolean('active').notNull().default(true),
  createdAt: text('created_at').notNull().default(now),
});

export const sessions = pgTable(
  'sessions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    title: text('title').notNull(),
    audience: text('audience').notNull(),
    description: text('description'),
    place: text('place'),
    startsAt: text('starts_at').notNull(),
    status: text('status', { enum: ['draft', 'open', 'live', 'paused', 'closed', 'archived'] })
      .notNull()
      .default('draft'),
    code: text('code').notNull(),
    moderation: text('moderation', { enum: ['pre', 'post'] }).notNull().default('pre'),
    anonymousAllowed: boolean('anonymous_allowed').notNull().default(true),
    maxQuestionLength: integer('max_question_length').notNull().default(1000),
    preSubmissionOpensAt: text('pre_submission_opens_at'),
    chair: text('chair'),
    secretary: text('secretary'),
    stageQuestionId: integer('stage_question_id'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
    startedAt: text('started_at'),
    closedAt: text('closed_at'),
    /** People in the hall, as the secretary counted them (not the phones that joined). */
    attendance: integer('attendance'),
    /** The chair's closing remarks, entered by the secretary for the minutes. */
    closingRemarks: text('closing_remarks'),
    /** Contact details of the participants are erased this many days after the session closed. */
    retentionDays: integer('retention_days').notNull().default(90),
    /** When the retention sweep erased this session's contact details. */
    contactsErasedAt: text('contacts_erased_at'),
    /** The organising unit; every session has one once the first unit exists (bootstrap assigns older ones). */
    unitId: integer('unit_id').references(() => units.id),
    /** Who the dialogue is with, for carry-over from earlier dialogues and the statutory deadlines. */
    audienceGroup: text('audience_group', { enum: ['youth', 'farmer', 'worker', 'business', 'front', 'other'] }),
    /** Statutory checklist: when the plan was published, the dialogue announced, the results published. */
    planPublishedAt: text('plan_published_at'),
    announcedAt: text('announced_at'),
    resultsPublishedAt: text('results_published_at'),
  },
  (t) => [
    // A code is unique among the sessions people can still reach.
    uniqueIndex('sessions_code_active').on(t.code).where(sql`status <> 'archived'`),
    index('sessions_status').on(t.status),
  ],
);

export const sessionPanel = pgTable(
  'session_panel',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    sessionId: integer('session_id')
      .notNull()
      .references(() => sessions.id),
    userId: integer('user_id').references(() => users.id),
    name: text('name').notNull(),
    title: text('title'),
    agency: text('agency'),
    /** The seat: who chairs (signs the minutes on the right), who keeps the minutes, who sits on the panel. */
    role: text('role', { enum: ['chair', 'secretary', 'member'] }).notNull().default('member'),
    position: integer('position').notNull().default(0),
  },
  (t) => [index('session_panel_session').on(t.sessionId, t.position)],
);

/** Staff other than admins act only on the sessions they are assigned to. */
export const sessionStaff = pgTable(
  'session_staff',
  {
    sessionId: integer('session_id')
      .notNull()
      .references(() => sessions.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    /** A venue moderator: sees and acts on that venue's questions only. Null: the whole session. */
    venueId: integer('venue_id'),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.userId] }), index('session_staff_user').on(t.userId)],
);

/** A linked hall (điểm cầu) of a session, with its own join code. */
export const venues = pgTable(
  'venues',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    sessionId: integer('session_id')
      .notNull()
      .references(() => sessions.id),
    name: text('name').notNull(),
    locality: text('locality'),
    /** Unique among reachable codes, sessions' included (checked when one is made). */
    code: text('code').notNull().unique(),
    /** People in this hall, as counted there and entered by the secretariat. */
    attendance: integer('attendance'),
    position: integer('position').notNull().default(0),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [index('venues_session').on(t.sessionId, t.position)],
);

/** SMS messages already taken in: a message id is accepted once. The phone number is not kept here. */
export const smsMessages = pgTable('sms_messages', {
  messageId: text('message_id').primaryKey(),
  receivedAt: text('received_at').notNull(),
  questionId: integer('question_id'),
  outcome: text('outcome').notNull(),
  createdAt: text('created_at').notNull().default(now),
});

export const participants = pgTable(
  'participants',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    sessionId: integer('session_id')
      .notNull()
      .references(() => sessions.id),
    displayName: text('display_name'),
    locality: text('locality'),
    /** Official code of the commune (or province) when the locality was chosen from the list. */
    localityCode: text('locality_code'),
    group: text('group', { enum: ['youth', 'farmer', 'worker', 'business', 'other'] }),
    // Personal data: secretariat only, never broadcast or exported publicly.
    contact: text('contact'),
    /** When the participant gave the contact (and agreed to its use), as the join form says. */
    contactConsentAt: text('contact_consent_at'),
    /** The linked venue joined by its code; null: the main hall (the session's own code). */
    venueId: integer('venue_id'),
    createdAt: text('created_at').notNull().default(now),
    /** Banned by a moderator: token refused, votes removed, never counted again. */
    bannedAt: text('banned_at'),
    banReason: text('ban_reason'),
    /** Name, locality, group and contact erased on request (the questions stay, anonymous). */
    erasedAt: text('erased_at'),
  },
  (t) => [index('participants_session').on(t.sessionId)],
);

export const questions = pgTable(
  'questions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    sessionId: integer('session_id')
      .notNull()
      .references(() => sessions.id),
    participantId: integer('participant_id')
      .notNull()
      .references(() => participants.id),
    clientId: text('client_id'),
    /** 1, 2, 3… within the session: the number said aloud, shown as # and printed in the minutes. */
    number: integer('number').notNull().default(0),
    text: text('text').notNull(),
    originalText: text('original_text'),
    anonymous: boolean('anonymous').notNull().default(false),
    /** Where it came from: the phone page, or taken on someone's behalf (floor, paper slip, hotline), or SMS. */
    channel: text('channel', { enum: ['app', 'floor', 'paper', 'hotline', 'sms'] }).notNull().default('app'),
    /** The venue it was asked in; null: the main hall. */
    venueId: integer('venue_id'),
    status: text('status', {
      enum: ['pending', 'approved', 'rejected', 'on_stage', 'answered', 'deferred', 'merged', 'withdrawn'],
    }).notNull(),
    rejectReason: text('reject_reason', {
      enum: ['duplicate', 'off_topic', 'abusive', 'personal_data', 'other'],
    }),
    /** The moderator's words when the reason is "other": the asker reads them. */
    rejectNote: text('reject_note'),
    topic: text('topic'),
    /** The field (lĩnh vực), set while working the queue. */
    fieldId: integer('field_id').references(() => fields.id),
    assignee: text('assignee'),
    agency: text('agency'),
    briefingNote: text('briefing_note'),
    pinned: boolean('pinned').notNull().default(false),
    votes: integer('votes').notNull().default(0),
    mergedIntoId: integer('merged_into_id'),
    trackingCode: text('tracking_code').notNull().unique(),
    flagAbusive: boolean('flag_abusive').notNull().default(false),
    /** JSON array of question ids this one likely duplicates. */
    duplicateOf: text('duplicate_of').notNull().default('[]'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
    stagedAt: text('staged_at'),
    answeredAt: text('answered_at'),
  },
  (t) => [
    uniqueIndex('questions_participant_client').on(t.participantId, t.clientId),
    uniqueIndex('questions_session_number').on(t.sessionId, t.number),
    index('questions_session_status').on(t.sessionId, t.status),
    // One question on stage per session: two moderators staging at once cannot both win.
    uniqueIndex('questions_one_on_stage').on(t.sessionId).where(sql`status = 'on_stage'`),
  ],
);

export const votes = pgTable(
  'votes',
  {
    questionId: integer('question_id')
      .notNull()
      .references(() => questions.id),
    participantId: integer('participant_id')
      .notNull()
      .references(() => participants.id),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.questionId, t.participantId] }), index('votes_participant').on(t.participantId)],
);

export const answers = pgTable(
  'answers',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    questionId: integer('question_id')
      .notNull()
      .references(() => questions.id),
    kind: text('kind', { enum: ['live', 'written'] }).notNull(),
    text: text('text').notNull(),
    /** The panel seat that answered (live answers); `answeredBy` keeps the name as it was then. */
    panelSeatId: integer('panel_seat_id').references(() => sessionPanel.id),
    answeredBy: text('answered_by'),
    authorUserId: integer('author_user_id').references(() => users.id),
    createdAt: text('created_at').notNull().default(now),
    // Live answers are public when recorded; written answers when published.
    publishedAt: text('published_at'),
  },
  (t) => [index('answers_question').on(t.questionId)],
);

export const commitments = pgTable(
  'commitments',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    questionId: integer('question_id')
      .notNull()
      .references(() => questions.id),
    answerId: integer('answer_id').references(() => answers.id),
    text: text('text').notNull(),
    agency: text('agency').notNull(),
    deadline: text('deadline'),
    status: text('status', { enum: ['open', 'in_progress', 'done'] }).notNull().default('open'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [index('commitments_question').on(t.questionId)],
);

export const followUps = pgTable(
  'follow_ups',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    questionId: integer('question_id')
      .notNull()
      .unique()
      .references(() => questions.id),
    sessionId: integer('session_id')
      .notNull()
      .references(() => sessions.id),
    /** The lead body. */
    agency: text('agency').notNull(),
    /** JSON array of the supporting bodies (phối hợp), without the lead. */
    supportingAgencies: text('supporting_agencies').notNull().default('[]'),
    deadline: text('deadline').notNull(),
    status: text('status', { enum: ['assigned', 'in_progress', 'answered'] }).notNull().default('assigned'),
    answerId: integer('answer_id').references(() => answers.id),
    publishedAt: text('published_at'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [index('follow_ups_status_deadline').on(t.status, t.deadline), index('follow_ups_session').on(t.sessionId)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    at: text('at').notNull().default(now),
    actorKind: text('actor_kind', { enum: ['staff', 'participant', 'system', 'anonymous'] }).notNull(),
    actorId: integer('actor_id'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: integer('entity_id'),
    sessionId: integer('session_id'),
    before: text('before'),
    after: text('after'),
  },
  (t) => [
    index('audit_entity').on(t.entity, t.entityId),
    index('audit_session').on(t.sessionId),
    index('audit_actor').on(t.actorKind, t.actorId),
  ],
);

/**
 * The conclusion notice of a session as the secretariat wrote it: drafted
 * from the commitments and deferrals, then edited. One per session.
 */
export const conclusions = pgTable('conclusions', {
  sessionId: integer('session_id')
    .primaryKey()
    .references(() => sessions.id),
  /** Trích yếu; null for the default "Kết luận của … tại Hội nghị …". */
  subject: text('subject'),
  assessment: text('assessment').notNull().default(''),
  /** JSON array of { agency, text, deadline }. */
  tasks: text('tasks').notNull().default('[]'),
  /** JSON array of recipient lines ("Nơi nhận"). */
  recipients: text('recipients').notNull().default('[]'),
  /** JSON { mode: 'TM' | 'TL' | 'KT', of, position, name }: who signs, on whose authority. */
  authority: text('authority').notNull(),
  updatedBy: integer('updated_by').references(() => users.id),
  createdAt: text('created_at').notNull().default(now),
  updatedAt: text('updated_at').notNull().default(now),
});

/** Small key/value store for instance settings (bootstrap marker, etc). */
/**
 * The opinions register: one row per opinion, either a session's question
 * (approved or later; `questionId` set, text and person read from the
 * question) or an opinion the secretariat entered from another channel.
 * Classification and outcome live here for both.
 */
export const opinions = pgTable(
  'opinions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    sessionId: integer('session_id').references(() => sessions.id),
    questionId: integer('question_id')
      .unique()
      .references(() => questions.id),
    channel: text('channel', {
      enum: ['app', 'floor', 'paper', 'hotline', 'sms', 'reception', 'forum', 'letter', 'online', 'other'],
    }).notNull(),
    receivedAt: text('received_at').notNull(),
    /** Entered opinions only; a question's text stays on the question. */
    text: text('text'),
    // Personal data of an entered opinion, under the same rules as a participant's.
    personName: text('person_name'),
    locality: text('locality'),
    localityCode: text('locality_code'),
    group: text('group', { enum: ['youth', 'farmer', 'worker', 'business', 'other'] }),
    fieldId: integer('field_id').references(() => fields.id),
    level: text('level', { enum: ['central', 'province', 'commune', 'other'] }),
    leadAgency: text('lead_agency'),
    /** JSON array of supporting agencies (phối hợp), without the lead. */
    agencies: text('agencies').notNull().default('[]'),
    deadline: text('deadline'),
    outcome: text('outcome', { enum: ['resolved', 'in_progress', 'explained', 'unresolved', 'transferred'] }),
    /** Why unresolved, where transferred, what was explained. */
    outcomeNote: text('outcome_note'),
    /** Number and date of the answering document ("Công văn số 123/UBND-TH ngày …"). */
    responseRef: text('response_ref'),
    /** The earlier opinion this one repeats (merged in the counts "after merging"). */
    repeatOfId: integer('repeat_of_id'),
    /** Entered opinions only (a question has its own): the citizen looks it up like any other. */
    trackingCode: text('tracking_code').unique(),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
    erasedAt: text('erased_at'),
  },
  (t) => [
    index('opinions_unit_received').on(t.unitId, t.receivedAt),
    index('opinions_session').on(t.sessionId),
    index('opinions_repeat').on(t.repeatOfId),
  ],
);

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
