import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../../shared/schemas/requests';
import { contentDisposition, exportFileName } from '../../export/filename';
import { conclusionsDocx, minutesDocx } from '../../export/minutes.docx';
import { minutesHtml } from '../../export/minutes.html';
import { questionsCsv } from '../../export/questions.csv';
import { questionsXlsx } from '../../export/questions.xlsx';
import { bearer, errors } from '../schemas';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV = 'text/csv; charset=utf-8';
const HTML = 'text/html; charset=utf-8';

/** OpenAPI description of a file response; Fastify sends the Buffer as is. */
const file = (mime: string, description: string) => ({
  description,
  content: { [mime.split(';')[0]!]: { schema: { type: 'string', format: mime.startsWith('text/') ? undefined : 'binary' } } },
});

/** The secretariat's files of a session: secretaries and admins only (they carry askers' names). */
export const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['exports'];
  const { reports } = app.services;
  const fail = errors(401, 403, 404);

  app.get(
    '/sessions/:id/minutes.docx',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'The minutes (biên bản) in the Decree 30/2020 template 1.9 layout, as Word (secretary, admin)',
        params: IdParams,
        response: { 200: file(DOCX, 'Word document'), ...fail },
      },
    },
    async (req, reply) => {
      const data = reports.minutes(req.actor, req.params.id, 'minutes.docx');
      const buf = await minutesDocx(data);
      return reply
        .type(DOCX)
        .header('content-disposition', contentDisposition(exportFileName('Biên bản', data.session.title, 'docx')))
        .header('cache-control', 'no-store')
        .send(buf);
    },
  );

  app.get(
    '/sessions/:id/minutes.html',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'The same minutes as a printable A4 page (secretary, admin)',
        params: IdParams,
        response: { 200: file(HTML, 'HTML page'), ...fail },
      },
    },
    async (req, reply) => {
      const data = reports.minutes(req.actor, req.params.id, 'minutes.html');
      return reply
        .type(HTML)
        .header('content-disposition', contentDisposition(exportFileName('Biên bản', data.session.title, 'html'), 'inline'))
        .header('cache-control', 'no-store')
        .send(minutesHtml(data));
    },
  );

  app.get(
    '/sessions/:id/conclusions.docx',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'The conclusion notice (thông báo kết luận): answers, commitments by agency, written-answer assignments (secretary, admin)',
        params: IdParams,
        response: { 200: file(DOCX, 'Word document'), ...fail },
      },
    },
    async (req, reply) => {
      const data = reports.minutes(req.actor, req.params.id, 'conclusions.docx');
      const buf = await conclusionsDocx(data);
      return reply
        .type(DOCX)
        .header('content-disposition', contentDisposition(exportFileName('Thông báo kết luận', data.session.title, 'docx')))
        .header('cache-control', 'no-store')
        .send(buf);
    },
  );

  app.get(
    '/sessions/:id/questions.csv',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Every question with status, votes, topic, group, locality, answers, commitments and follow-up; UTF-8 with BOM, no contact details (secretary, admin)',
        params: IdParams,
        response: { 200: file(CSV, 'CSV (RFC 4180)'), ...fail },
      },
    },
    async (req, reply) => {
      const { session, rows } = reports.questionList(req.actor, req.params.id, 'questions.csv');
      return reply
        .type(CSV)
        .header('content-disposition', contentDisposition(exportFileName('Danh sách câu hỏi', session.title, 'csv')))
        .header('cache-control', 'no-store')
        .send(questionsCsv(rows));
    },
  );

  app.get(
    '/sessions/:id/questions.xlsx',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'The same list as an Excel workbook, one row per question (secretary, admin)',
        params: IdParams,
        response: { 200: file(XLSX, 'Excel workbook'), ...fail },
      },
    },
    async (req, reply) => {
      const { session, rows } = reports.questionList(req.actor, req.params.id, 'questions.xlsx');
      const buf = await questionsXlsx(session, rows, app.config.orgName);
      return reply
        .type(XLSX)
        .header('content-disposition', contentDisposition(exportFileName('Danh sách câu hỏi', session.title, 'xlsx')))
        .header('cache-control', 'no-store')
        .send(buf);
    },
  );
};
