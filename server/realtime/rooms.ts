/** Room names, in one place so that broadcasts and joins always agree. */
export const rooms = {
  /** Participants of a session: public events only. */
  public: (sessionId: number) => `s:${sessionId}:public`,
  /** Staff who called session:join: everything, staff-shaped. */
  staff: (sessionId: number) => `s:${sessionId}:staff`,
  /** A venue moderator's desk: that venue's questions only, staff-shaped, with its own sequence. */
  venueStaff: (sessionId: number, venueId: number) => `s:${sessionId}:staff:v:${venueId}`,
  /** Leaders and big screens who called session:join: public questions, panel-shaped. */
  panel: (sessionId: number) => `s:${sessionId}:panel`,
  /** One participant's sockets (its own questions, shaped for the author). */
  participant: (participantId: number) => `p:${participantId}`,
  /** One staff user's sockets (to drop them when the user is disabled). */
  user: (userId: number) => `u:${userId}`,
};
