import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { IdParams } from '../../../shared/schemas/requests';
import type { Actor } from '../../domain/actor';
import { contentDisposition, exportFileName } from '../../export/filename';
import { conclusionsDocx, minutesDocx } from '../../export/minutes.docx';
import { conclusionsHtml, minutesHtml } from '../../export/minutes.html';
import { questionsCsv } from '../../export/questions.csv';
import { questionsXlsx } from '../../export/questions.xlsx';
import { bearer, errors } from '../schemas';

/** Each kind of file: its media type, how the OpenAPI document describes it, and whether a browser shows it. */
const KINDS = {
  docx: { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', description: 'Word document', inline: false },
  xlsx: { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', description: 'Excel workbook', inline: false },
  csv: { mime: 'text/csv; charset=utf-8', description: 'CSV (RFC 4180)', inline: false },
  html: { mime: 'text/html; charset=utf-8', description: 'HTML page', inline: true },
} as const;
type Kind = keyof typeof KINDS;

/** OpenAPI description of a file response; Fastify sends the Buffer as is. */
const file = (kind: Kind) => {
  const { mime, description } = KINDS[kind];
  return {
    description,
    content: { [mime.split(';')[0]!]: { schema: { type: 'string', format: mime.startsWith('text/') ? undefined : 'binary' } } },
  };
};

/** Options of the minutes: `carryOver=1` adds the results of the earlier dialogues with the same audience. */
const MinutesQuery = Type.Object({ carryOver: Type.Optional(Type.Enum(['0', '1', 'true', 'false'])) });
type MinutesQuery = Static<typeof MinutesQuery>;

/** What one export produces: the document's label and session title (its file name) and its bytes. */
interface Made {
  label: string;
  title: string;
  body: Buffer | string;
}

/** The secretariat's files of a session: secretaries and admins only (they carry askers' names). */
export const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { reports, conclusions, opinionsReport } = app.services;

  /**
   * One route per file, all the same chain: authorize and audit in the
   * domain (`name` is what the audit log records), render, send with a
   * Vietnamese file name and no caching.
   */
  const exportRoute = (
    name: `${string}.${Kind}`,
    summary: string,
    make: (actor: Actor, sessionId: number, name: string, query: MinutesQuery) => Promise<Made>,
    querystring?: typeof MinutesQuery,
  ) => {
    const kind = name.slice(name.lastIndexOf('.') + 1) as Kind;
    app.get(
      `/sessions/:id/${name}`,
      {
        schema: {
          tags: ['exports'],
          security: bearer,
          summary,
          params: IdParams,
          ...(querystring && { querystring }),
          response: { 200: file(kind), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const made = await make(req.actor, req.params.id, name, (req.query ?? {}) as MinutesQuery);
        const fileName = exportFileName(made.label, made.title, kind);
        return reply
          .type(KINDS[kind].mime)
          .header('content-disposition', contentDisposition(fileName, KINDS[kind].inline ? 'inline' : undefined))
          .header('cache-control', 'no-store')
          .send(made.body);
      },
    );
  };

  /** The minutes, with the carry-over section ("results of the last dialogue's conclusions") when asked for. */
  const minutes = async (actor: Actor, id: number, name: string, query: MinutesQuery) => {
    const data = await reports.minutes(actor, id, name);
    if (query.carryOver === '1' || query.carryOver === 'true') data.carryOver = await opinionsReport.carryOverData(id);
    return data;
  };
  const carryOverNote = ' With ?carryOver=1, a section "Kết quả thực hiện kết luận tại hội nghị đối thoại lần trước" (GET /api/sessions/:id/carry-over) after the participants.';
  exportRoute(
    'minutes.docx',
    `The minutes (biên bản) in the Decree 30/2020 template 1.9 layout, as Word (secretary, admin).${carryOverNote}`,
    async (actor, id, name, query) => {
      const data = await minutes(actor, id, name, query);
      return { label: 'Biên bản', title: data.session.title, body: await minutesDocx(data) };
    },
    MinutesQuery,
  );
  exportRoute(
    'minutes.html',
    `The same minutes as a printable A4 page (secretary, admin).${carryOverNote}`,
    async (actor, id, name, query) => {
      const data = await minutes(actor, id, name, query);
      return { label: 'Biên bản', title: data.session.title, body: minutesHtml(data) };
    },
    MinutesQuery,
  );
  exportRoute(
    'conclusions.docx',
    'The conclusion notice (thông báo kết luận) as the secretariat wrote it (or its draft): assessment, numbered tasks per body, recipients, signing authority (secretary, admin)',
    async (actor, id, name) => {
      const data = await conclusions.document(actor, id, name);
      return { label: 'Thông báo kết luận', title: data.session.title, body: await conclusionsDocx(data) };
    },
  );
  exportRoute('conclusions.html', 'The same conclusion notice as a printable A4 page (secretary, admin)', async (actor, id, name) => {
    const data = await conclusions.document(actor, id, name);
    return { label: 'Thông báo kết luận', title: data.session.title, body: conclusionsHtml(data) };
  });
  exportRoute(
    'questions.csv',
    'Every question with status, votes, topic, group, locality, answers, commitments and follow-up; UTF-8 with BOM, no contact details (secretary, admin)',
    async (actor, id, name) => {
      const { session, rows } = await reports.questionList(actor, id, name);
      return { label: 'Danh sách câu hỏi', title: session.title, body: questionsCsv(rows) };
    },
  );
  exportRoute('questions.xlsx', 'The same list as an Excel workbook, one row per question (secretary, admin)', async (actor, id, name) => {
    const { session, rows } = await reports.questionList(actor, id, name);
    return { label: 'Danh sách câu hỏi', title: session.title, body: await questionsXlsx(session, rows, (await reports.documentOrg(id)).name) };
  });
};
