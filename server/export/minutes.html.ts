import { conclusionsDocument } from './conclusions-content';
import { minutesDocument } from './minutes-content';
import { renderOfficialHtml } from './official-html';
import type { ConclusionsData, MinutesData } from './types';

/** The minutes as a printable A4 page, the same content as the DOCX. */
export const minutesHtml = (d: MinutesData): string => renderOfficialHtml(minutesDocument(d), `Biên bản - ${d.session.title}`);

/** The conclusion notice as a printable A4 page, the same content as the DOCX. */
export const conclusionsHtml = (d: ConclusionsData): string =>
  renderOfficialHtml(conclusionsDocument(d), `Thông báo kết luận - ${d.session.title}`);
