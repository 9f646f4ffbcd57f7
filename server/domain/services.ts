import type { Config } from '../config';
import type { Db } from '../db/client';
import { AnswersService } from './answers/answers.service';
import { DomainEvents } from './events';
import { FollowUpsService } from './followups/followups.service';
import { QuestionsService } from './questions/questions.service';
import { ParticipantsService } from './participants/participants.service';
import { ReportsService } from './reports/reports.service';
import { SessionsService } from './sessions/sessions.service';
import { UsersService } from './users/users.service';

/** Every domain service, wired once per app. Transports get this and nothing lower. */
export function createServices(db: Db, config: Pick<Config, 'orgName' | 'rateLimit'>) {
  const events = new DomainEvents();
  // Many listeners (realtime, exports' caches) may subscribe; not a leak.
  events.setMaxListeners(50);
  const users = new UsersService(db, events);
  const sessions = new SessionsService(db, events);
  const participants = new ParticipantsService(db, sessions);
  const questions = new QuestionsService(db, events, sessions, {
    questionsPerMinute: config.rateLimit.questionsPerMinute,
    votesPerMinute: config.rateLimit.votesPerMinute,
  });
  const answers = new AnswersService(db, events, questions);
  const followUps = new FollowUpsService(db, events);
  const reports = new ReportsService(db, sessions, questions, config.orgName);
  return { db, config, events, users, sessions, participants, questions, answers, followUps, reports };
}

export type Services = ReturnType<typeof createServices>;
