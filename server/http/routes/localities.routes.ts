import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Locality, LocalitySearchQuery, LocalitySearchResult } from '../../../shared/schemas/localities';
import { DomainError } from '../../domain/errors';
import { errors } from '../schemas';

/**
 * The official list of administrative units after 1 July 2025, for the
 * search-as-you-type locality on the join form (anonymous citizens) and in
 * the register. Public, read-only, under the global per-address rate limit
 * like the other public reads; the list ships with the server.
 */
export const localityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['public'];
  const list = app.services.localities;
  const source = `${list.source.package} ${list.source.version} (${list.source.licence}), in force from ${list.source.inForceFrom}: ${list.source.provinces} provinces, ${list.source.communes} communes`;

  app.get(
    '/localities',
    {
      schema: {
        tags,
        summary:
          'Search the official administrative units in force since 1 July 2025 (anyone): provinces and communes (xã, phường, đặc khu) by name, without diacritics or type word if wished ("tan trao"); a pre-2025 commune, district or province name finds the unit it became (with `formerly`). `q` 1–100 characters, `limit` ≤ 20 (10 by default), `provinceCode` narrows to one province',
        description: `Data: ${source}.`,
        querystring: LocalitySearchQuery,
        response: { 200: LocalitySearchResult, ...errors(400, 429) },
      },
    },
    async (req, reply) => {
      // The list changes only with a new server build: a phone may keep an answer a while.
      reply.header('cache-control', 'public, max-age=3600');
      const { q, provinceCode, limit } = req.query;
      if (!q.trim()) throw new DomainError('INVALID_PAYLOAD', 'q must not be blank');
      return { localities: list.search(q, { provinceCode, limit }) };
    },
  );

  app.get(
    '/localities/:code',
    {
      schema: {
        tags,
        summary: 'One administrative unit by its official code (anyone): 2 digits a province, 5 a commune. 404 NOT_FOUND if the list has none',
        params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 10 }) }),
        response: { 200: Locality, ...errors(400, 404, 429) },
      },
    },
    async (req, reply) => {
      const unit = list.byCode(req.params.code);
      if (!unit) throw new DomainError('NOT_FOUND', 'no administrative unit with this code');
      reply.header('cache-control', 'public, max-age=3600');
      return unit;
    },
  );
};
