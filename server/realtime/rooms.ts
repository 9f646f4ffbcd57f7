/** Room names, in one place so that broadcasts and joins always agree. */
export const rooms = {
  /** Participants of a session: public events only. */
  public: (sessionId: number) => `s:${sessionId}:public`,
  /** Staff who called session:join: everything, staff-shaped. */
  staff: (sessionId: number) => `s:${sessionId}:staff`,
  /** One participant's sockets (its own questions, shaped for the author). */
  participant: (participantId: number) => `p:${participantId}`,
  /** One staff user's sockets (to drop them when the user is disabled). */
  user: (userId: number) => `u:${userId}`,
};
