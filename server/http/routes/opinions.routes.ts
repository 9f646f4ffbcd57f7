import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  BulkClassifyBody,
  CreateFieldBody,
  CreateOpinionBody,
  CreateUnitBody,
  Field,
  Opinion,
  OpinionList,
  OpinionsQuery,
  Unit,
  UpdateFieldBody,
  UpdateOpinionBody,
  UpdateUnitBody,
} from '../../../shared/schemas/opinions';
import { IdParams } from '../../../shared/schemas/requests';
import { bearer, errors } from '../schemas';

/** Organising units, fields (lĩnh vực) and the opinions register. */
export const opinionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { units, opinions } = app.services;

  // ---- units -------------------------------------------------------------------
  app.get(
    '/units',
    { schema: { tags: ['units'], security: bearer, summary: 'The organising units (staff)', response: { 200: Type.Array(Unit), ...errors(401, 403) } } },
    async (req) => await units.list(req.actor),
  );
  app.post(
    '/units',
    {
      schema: {
        tags: ['units'],
        security: bearer,
        summary: 'Add an organising unit (admin): name as printed in headers, abbreviation for document numbers, level, parent body, place',
        body: CreateUnitBody,
        response: { 201: Unit, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => reply.status(201).send(await units.create(req.actor, req.body)),
  );
  app.patch(
    '/units/:id',
    {
      schema: { tags: ['units'], security: bearer, summary: 'Edit an organising unit (admin)', params: IdParams, body: UpdateUnitBody, response: { 200: Unit, ...errors(400, 401, 403, 404) } },
    },
    async (req) => await units.update(req.actor, req.params.id, req.body),
  );

  // ---- fields ------------------------------------------------------------------
  app.get(
    '/fields',
    {
      schema: {
        tags: ['fields'],
        security: bearer,
        summary: 'The fields (lĩnh vực) opinions are classified by, with their keywords for suggestions; retired ones too (active false) (staff)',
        response: { 200: Type.Array(Field), ...errors(401, 403) },
      },
    },
    async (req) => await units.fields(req.actor),
  );
  app.post(
    '/fields',
    { schema: { tags: ['fields'], security: bearer, summary: 'Add a field (admin)', body: CreateFieldBody, response: { 201: Field, ...errors(400, 401, 403, 409) } } },
    async (req, reply) => reply.status(201).send(await units.createField(req.actor, req.body)),
  );
  app.patch(
    '/fields/:id',
    {
      schema: {
        tags: ['fields'],
        security: bearer,
        summary: 'Rename a field, change its keywords or position, or retire it with active: false (admin)',
        params: IdParams,
        body: UpdateFieldBody,
        response: { 200: Field, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => await units.updateField(req.actor, req.params.id, req.body),
  );

  // ---- opinions ----------------------------------------------------------------
  const tags = ['opinions'];
  app.get(
    '/opinions',
    {
      schema: {
        tags,
        security: bearer,
        summary:
          "The opinions register (secretary, admin): every approved-or-later question of the sessions and every opinion entered from another channel, newest first. A secretary sees its sessions' opinions and every entered opinion. Filters: from/to (dates in Vietnam, inclusive), unitId, sessionId, fieldId (0: not classified), level, outcome (none: no outcome yet), agency (lead or supporting, without diacritics), overdue, source.",
        querystring: OpinionsQuery,
        response: { 200: OpinionList, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => ({ opinions: await opinions.list(req.actor, req.query) }),
  );
  app.post(
    '/opinions',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Enter an opinion received outside a session (secretary, admin): reception day, forum, letter, hotline, online, other. Gets a tracking code the citizen looks it up with.',
        body: CreateOpinionBody,
        response: { 201: Opinion, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => reply.status(201).send(await opinions.create(req.actor, req.body)),
  );
  app.post(
    '/opinions/bulk',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Classify many opinions at once (secretary, admin): the same field, level or lead agency for every id, or nothing changes',
        body: BulkClassifyBody,
        response: { 200: OpinionList, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => ({ opinions: await opinions.bulkClassify(req.actor, req.body) }),
  );
  app.get(
    '/opinions/:id',
    { schema: { tags, security: bearer, summary: 'One opinion (secretary, admin)', params: IdParams, response: { 200: Opinion, ...errors(401, 403, 404) } } },
    async (req) => await opinions.get(req.actor, req.params.id),
  );
  app.patch(
    '/opinions/:id',
    {
      schema: {
        tags,
        security: bearer,
        summary:
          'Classify an opinion and follow it to an outcome (secretary, admin; of its session for a session opinion): field, level, lead and supporting agencies, deadline, outcome (unresolved needs outcomeNote), answering document, repeat of an earlier opinion of the same unit (no loops)',
        params: IdParams,
        body: UpdateOpinionBody,
        response: { 200: Opinion, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => await opinions.update(req.actor, req.params.id, req.body),
  );
  app.delete(
    '/opinions/:id/personal-data',
    {
      schema: {
        tags,
        security: bearer,
        summary: "Erase the person of an entered opinion on request (secretary, admin): name, locality, group; the opinion stays. A session's opinion is erased through its participant.",
        params: IdParams,
        response: { 200: Opinion, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => await opinions.erasePersonalData(req.actor, req.params.id),
  );
};
