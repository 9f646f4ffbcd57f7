import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OrgSettings, PublicSettings, UpdateOrgSettingsBody } from '../../../shared/schemas/settings';
import { requireStaff } from '../../domain/actor';
import { bearer, errors } from '../schemas';

export const settingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { settings } = app.services;

  app.get(
    '/settings/public',
    {
      schema: {
        tags: ['public'],
        summary: 'The public address used in links and QR codes (null: not set) and the organisation name (anyone)',
        response: { 200: PublicSettings },
      },
    },
    async () => {
      const { orgName, publicUrl } = await settings.get();
      return { orgName, publicUrl };
    },
  );

  app.get(
    '/admin/settings',
    {
      schema: {
        tags: ['admin'],
        security: bearer,
        summary: "The organisation's settings: name on documents, abbreviation in document numbers, public address (admin)",
        response: { 200: OrgSettings, ...errors(401, 403) },
      },
    },
    async (req) => {
      requireStaff(req.actor, ['admin']);
      return await settings.get();
    },
  );

  app.patch(
    '/admin/settings',
    {
      schema: {
        tags: ['admin'],
        security: bearer,
        summary: 'Change the organisation settings; an empty string puts a field back to its environment value (admin). 400 INVALID_SETTING',
        body: UpdateOrgSettingsBody,
        response: { 200: OrgSettings, ...errors(400, 401, 403) },
      },
    },
    async (req) => await settings.update(req.actor, req.body),
  );
};
