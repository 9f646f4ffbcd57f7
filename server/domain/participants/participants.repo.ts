import type { Db } from '../../db/client';
import type { PersonalDataSummary } from '../../../shared/schemas/personal-data';

type Counts = Pick<PersonalDataSummary, 'participants' | 'withName' | 'withLocality' | 'withContact' | 'erased' | 'banned'>;

/** Participants' rows, for what the services read in bulk (the personal-data view). */
export class ParticipantsRepo {
  private readonly countsStmt;

  constructor(db: Db) {
    this.countsStmt = db.$client.prepare<[number], Counts>(
      `SELECT count(*) AS participants,
              count(display_name) + 0 AS withName,
              count(locality) + 0 AS withLocality,
              count(contact) + 0 AS withContact,
              count(erased_at) + 0 AS erased,
              count(banned_at) + 0 AS banned
       FROM participants WHERE session_id = ?`,
    );
  }

  /** How many of a session's participants left a name, a locality, a contact; how many were erased or banned. */
  async personalDataCounts(sessionId: number): Promise<Counts> {
    return this.countsStmt.get(sessionId)!;
  }
}
