import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Question } from '../../../shared/schemas/entities';
import { AnswerBody, CommitmentUpdateBody, IdParams, ModerateBody, SubmitQuestionBody, TakenQuestionBody } from '../../../shared/schemas/requests';
import { bearer, errors } from '../schemas';

const VoteResult = Type.Object({ questionId: Type.Integer(), votes: Type.Integer() });

export const questionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['questions'];
  const { questions, answers } = app.services;

  app.get(
    '/sessions/:id/questions',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Questions of a session: staff see all; a participant sees the public ones plus its own',
        params: IdParams,
        response: { 200: Type.Array(Question), ...errors(401, 403, 404) },
      },
    },
    async (req) => await questions.list(req.actor, req.params.id),
  );

  app.post(
    '/sessions/:id/questions',
    {
      schema: {
        tags,
        security: bearer,
        summary:
          "Ask a question (participant; the same clientId twice returns the first question), or take one on someone's behalf (moderator, secretary of the session) with `channel` floor, paper or hotline, and venueId, personName, locality, group when given. A venue moderator takes questions for its own venue only.",
        params: IdParams,
        body: Type.Union([SubmitQuestionBody, TakenQuestionBody]),
        response: { 200: Question, ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (req) => ('channel' in req.body ? await questions.take(req.actor, req.params.id, req.body) : await questions.submit(req.actor, req.params.id, req.body)),
  );

  app.delete(
    '/questions/:id',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'The author withdraws its own pending or approved question',
        params: IdParams,
        response: { 200: Question, ...errors(401, 403, 404, 409) },
      },
    },
    async (req) => await questions.withdraw(req.actor, req.params.id),
  );

  app.post(
    '/questions/:id/vote',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Upvote (participant); voting twice changes nothing',
        params: IdParams,
        response: { 200: VoteResult, ...errors(401, 403, 404, 409, 429) },
      },
    },
    async (req) => await questions.vote(req.actor, req.params.id),
  );

  app.delete(
    '/questions/:id/vote',
    {
      schema: { tags, security: bearer, summary: 'Take back an upvote', params: IdParams, response: { 200: VoteResult, ...errors(401, 403, 404, 409, 429) } },
    },
    async (req) => await questions.unvote(req.actor, req.params.id),
  );

  app.post(
    '/questions/:id/moderate',
    {
      schema: {
        tags,
        security: bearer,
        summary:
          'Moderate (moderator, admin; a leader may only mark `answered`): approve, reject (reason), edit (text; original kept), merge (targetId), tag (topic), assign (assignee, agency?), note (briefing note), pin, unpin, stage, unstage, answered, defer (agency, deadline). `expectedUpdatedAt` guards against acting on a stale view (409 CONFLICT).',
        params: IdParams,
        body: ModerateBody,
        response: { 200: Question, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => await questions.moderate(req.actor, req.params.id, req.body),
  );

  app.post(
    '/questions/:id/answers',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Record a live answer summary or a written answer, with commitments (secretary, leader, admin)',
        params: IdParams,
        body: AnswerBody,
        response: { 200: Question, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => await answers.record(req.actor, req.params.id, req.body),
  );

  app.patch(
    '/commitments/:id',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Track a commitment: status (open, in_progress, done), agency, deadline (secretary, admin)',
        params: IdParams,
        body: CommitmentUpdateBody,
        response: { 200: Question, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => await answers.updateCommitment(req.actor, req.params.id, req.body),
  );

  app.get(
    '/participants/:id/contact',
    {
      schema: {
        tags: ['participants'],
        security: bearer,
        summary: "An asker's contact details, for the secretariat only; every read is audited",
        params: IdParams,
        response: { 200: Type.Object({ contact: Type.Union([Type.String(), Type.Null()]) }), ...errors(401, 403, 404) },
      },
    },
    async (req) => await app.services.participants.contactOf(req.actor, req.params.id),
  );
};
