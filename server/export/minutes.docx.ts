import { conclusionsDocument } from './conclusions-content';
import { minutesDocument } from './minutes-content';
import { renderOfficialDocx } from './official-docx';
import type { ConclusionsData, MinutesData } from './types';

/** The minutes (biên bản), Decree 30/2020 template 1.9, as a Word document. */
export const minutesDocx = (d: MinutesData): Promise<Buffer> =>
  renderOfficialDocx(minutesDocument(d), { title: `Biên bản - ${d.session.title}`, creator: d.orgName });

/** The conclusion notice (thông báo kết luận), as a Word document. */
export const conclusionsDocx = (d: ConclusionsData): Promise<Buffer> =>
  renderOfficialDocx(conclusionsDocument(d), { title: `Thông báo kết luận - ${d.session.title}`, creator: d.orgName });
