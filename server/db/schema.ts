import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Timestamps are ISO-8601 strings in UTC: readable in exports and backups,
// and they sort correctly as text.
const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: ['admin', 'moderator', 'leader', 'secretary'] }).notNull(),
  title: text('title'),
  passwordHash: text('password_hash').notNull(),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  createdAt: text('created_at').notNull().default(now),
  updatedAt: text('updated_at').notNull().default(now),
});

export const sessions = sqliteTable(
  'sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
    anonymousAllowed: integer('anonymous_allowed', { mode: 'boolean' }).notNull().default(true),
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
  },
  (t) => [
    // A code is unique among the sessions people can still reach.
    uniqueIndex('sessions_code_active').on(t.code).where(sql`status <> 'archived'`),
    index('sessions_status').on(t.status),
  ],
);

export const sessionPanel = sqliteTable(
  'session_panel',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sessionId: integer('session_id')
      .notNull()
      .references(() => sessions.id),
    userId: integer('user_id').references(() => users.id),
    name: text('name').notNull(),
    title: text('title'),
    agency: text('agency'),
    position: integer('position').notNull().default(0),
  },
  (t) => [index('session_panel_session').on(t.sessionId, t.position)],
);

export const participants = sqliteTable(
  'participants',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sessionId: integer('session_id')
      .notNull()
      .references(() => sessions.id),
    displayName: text('display_name'),
    locality: text('locality'),
    group: text('group', { enum: ['youth', 'farmer', 'worker', 'business', 'other'] }),
    // Personal data: secretariat only, never broadcast or exported publicly.
    contact: text('contact'),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [index('participants_session').on(t.sessionId)],
);

export const questions = sqliteTable(
  'questions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sessionId: integer('session_id')
      .notNull()
      .references(() => sessions.id),
    participantId: integer('participant_id')
      .notNull()
      .references(() => participants.id),
    clientId: text('client_id'),
    text: text('text').notNull(),
    originalText: text('original_text'),
    anonymous: integer('anonymous', { mode: 'boolean' }).notNull().default(false),
    status: text('status', {
      enum: ['pending', 'approved', 'rejected', 'on_stage', 'answered', 'deferred', 'merged', 'withdrawn'],
    }).notNull(),
    rejectReason: text('reject_reason', {
      enum: ['duplicate', 'off_topic', 'abusive', 'personal_data', 'other'],
    }),
    topic: text('topic'),
    assignee: text('assignee'),
    agency: text('agency'),
    briefingNote: text('briefing_note'),
    pinned: integer('pinned', { mode: 'boolean' }).notNull().default(false),
    votes: integer('votes').notNull().default(0),
    mergedIntoId: integer('merged_into_id'),
    trackingCode: text('tracking_code').notNull().unique(),
    flagAbusive: integer('flag_abusive', { mode: 'boolean' }).notNull().default(false),
    /** JSON array of question ids this one likely duplicates. */
    duplicateOf: text('duplicate_of').notNull().default('[]'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
    stagedAt: text('staged_at'),
    answeredAt: text('answered_at'),
  },
  (t) => [
    uniqueIndex('questions_participant_client').on(t.participantId, t.clientId),
    index('questions_session_status').on(t.sessionId, t.status),
  ],
);

export const votes = sqliteTable(
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

export const answers = sqliteTable(
  'answers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    questionId: integer('question_id')
      .notNull()
      .references(() => questions.id),
    kind: text('kind', { enum: ['live', 'written'] }).notNull(),
    text: text('text').notNull(),
    answeredBy: text('answered_by'),
    authorUserId: integer('author_user_id').references(() => users.id),
    createdAt: text('created_at').notNull().default(now),
    // Live answers are public when recorded; written answers when published.
    publishedAt: text('published_at'),
  },
  (t) => [index('answers_question').on(t.questionId)],
);

export const commitments = sqliteTable(
  'commitments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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

export const followUps = sqliteTable(
  'follow_ups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    questionId: integer('question_id')
      .notNull()
      .unique()
      .references(() => questions.id),
    sessionId: integer('session_id')
      .notNull()
      .references(() => sessions.id),
    agency: text('agency').notNull(),
    deadline: text('deadline').notNull(),
    status: text('status', { enum: ['assigned', 'in_progress', 'answered'] }).notNull().default('assigned'),
    answerId: integer('answer_id').references(() => answers.id),
    publishedAt: text('published_at'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [index('follow_ups_status_deadline').on(t.status, t.deadline), index('follow_ups_session').on(t.sessionId)],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
  (t) => [index('audit_entity').on(t.entity, t.entityId), index('audit_session').on(t.sessionId)],
);

/** Small key/value store for instance settings (bootstrap marker, etc). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
