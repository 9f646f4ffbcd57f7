import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../../shared/schemas/requests';
import { CarryOver, OpinionsReport, ReportQuery, SessionDeadlines } from '../../../shared/schemas/opinions-report';
import { contentDisposition } from '../../export/filename';
import { renderOfficialDocx } from '../../export/official-docx';
import { opinionsReportDocument, reportSubject } from '../../export/opinions-report-content';
import { opinionsReportXlsx } from '../../export/opinions-report.xlsx';
import { bearer, errors } from '../schemas';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const file = (mime: string, description: string) => ({ description, content: { [mime]: { schema: { type: 'string', format: 'binary' } } } });

/**
 * The opinions register read over a period (the report, as JSON, Word and
 * Excel), across dialogues with the same audience (carry-over), and the
 * statutory deadlines of a session.
 */
export const opinionsReportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { opinionsReport } = app.services;
  const period =
    'Query: from, to (YYYY-MM-DD, Vietnam time, both included; 400 INVALID_PERIOD for a date that does not exist or from after to) and unitId (404 UNIT_NOT_FOUND)';

  app.get(
    '/reports/opinions.json',
    {
      schema: {
        tags: ['reports'],
        security: bearer,
        summary: `The period report of a unit's opinions register: overview, field × outcome, level × outcome, agency × (assigned, on time, late, outstanding), the list, and what was carried over from before the period (secretary, admin). ${period}`,
        querystring: ReportQuery,
        response: { 200: OpinionsReport, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => await opinionsReport.report(req.actor, req.query, 'opinions.json'),
  );

  const fileName = (subject: string, ext: string) => `Báo cáo - ${subject}.${ext}`;

  app.get(
    '/reports/opinions.docx',
    {
      schema: {
        tags: ['reports'],
        security: bearer,
        summary: `The same report as a Word document in the Decree 30/2020 layout of a report (báo cáo) of the unit (secretary, admin). ${period}`,
        querystring: ReportQuery,
        response: { 200: file(DOCX, 'Word document'), ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const d = await opinionsReport.report(req.actor, req.query, 'opinions.docx');
      const doc = opinionsReportDocument(d);
      const body = await renderOfficialDocx(doc, { title: `Báo cáo - ${reportSubject(d)}`, creator: d.unit.name });
      return reply
        .type(DOCX)
        .header('content-disposition', contentDisposition(fileName(reportSubject(d), 'docx')))
        .header('cache-control', 'no-store')
        .send(body);
    },
  );

  app.get(
    '/reports/opinions.xlsx',
    {
      schema: {
        tags: ['reports'],
        security: bearer,
        summary: `The same report as an Excel workbook: one sheet per table and the list of every opinion (secretary, admin). ${period}`,
        querystring: ReportQuery,
        response: { 200: file(XLSX, 'Excel workbook'), ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const d = await opinionsReport.report(req.actor, req.query, 'opinions.xlsx');
      return reply
        .type(XLSX)
        .header('content-disposition', contentDisposition(fileName(reportSubject(d), 'xlsx')))
        .header('cache-control', 'no-store')
        .send(await opinionsReportXlsx(d));
    },
  );

  app.get(
    '/sessions/:id/carry-over',
    {
      schema: {
        tags: ['reports'],
        security: bearer,
        summary:
          "Results of the earlier dialogues' conclusions: the earlier dialogues of the same unit with the same audience group (or the same audience as typed), newest first, the last in full with its commitments and opinions and their outcomes, older ones with what is still open (staff of the session)",
        params: IdParams,
        response: { 200: CarryOver, ...errors(401, 403, 404) },
      },
    },
    async (req) => await opinionsReport.carryOver(req.actor, req.params.id),
  );

  app.get(
    '/sessions/:id/deadlines',
    {
      schema: {
        tags: ['sessions'],
        security: bearer,
        summary:
          'The statutory checklist of a session: the youth plan published 30 days ahead, a commune dialogue announced 7 days ahead, the results published within 10 days of closing; each with its due date, the date done and its state (staff of the session). The dates are entered with PATCH /api/sessions/:id (planPublishedAt, announcedAt, resultsPublishedAt: admin, or the session\'s secretary)',
        params: IdParams,
        response: { 200: SessionDeadlines, ...errors(401, 403, 404) },
      },
    },
    async (req) => await opinionsReport.deadlines(req.actor, req.params.id),
  );
};
