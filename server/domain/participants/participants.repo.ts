import type { DbPort } from '../../db/port';
import type { PersonalDataSummary } from '../../../shared/schemas/personal-data';

type Counts = Pick<PersonalDataSummary, 'participants' | 'withName' | 'withLocality' | 'withContact' | 'erased' | 'banned'>;

/** Participants' rows, for what the services read in bulk (the personal-data view). */
export class ParticipantsRepo {
  private readonly countsStmt;

  constructor(port: DbPort) {
    const counts = (placeholder: string) =>
      `SELECT count(*) AS participants,
              count(display_name) AS "withName",
              count(locality) AS "withLocality",
              count(contact) AS "withContact",
              count(erased_at) AS erased,
              count(banned_at) AS banned
       FROM participants WHERE session_id = ${placeholder}`;
    this.countsStmt = port.prepare<[number], Counts>({ sqlite: counts('?'), pg: counts('$1') });
  }

  /** How many of a session's participants left a name, a locality, a contact; how many were erased or banned. */
  async personalDataCounts(sessionId: number): Promise<Counts> {
    return (await this.countsStmt.get(sessionId))!;
  }
}
