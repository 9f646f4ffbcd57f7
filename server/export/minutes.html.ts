import { minutesDocument } from './minutes-content';
import { renderOfficialHtml } from './official-html';
import type { MinutesData } from './types';

/** The minutes as a printable A4 page, the same content as the DOCX. */
export const minutesHtml = (d: MinutesData): string => renderOfficialHtml(minutesDocument(d), `Biên bản - ${d.session.title}`);
