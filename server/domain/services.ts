import type { Config } from '../config';
import { GroupCommit } from '../db/group-commit';
import type { DbPort } from '../db/port';
import { AuditService } from './audit/audit.service';
import { AnswersService } from './answers/answers.service';
import { DomainEvents } from './events';
import { FollowUpsService } from './followups/followups.service';
import { QuestionsService } from './questions/questions.service';
import { ParticipantRegistry } from './participants/participant-registry';
import { ParticipantsService } from './participants/participants.service';
import { ConclusionsService } from './reports/conclusions.service';
import { MinutesNotesService } from './reports/minutes-notes.service';
import { OpinionsReportService } from './reports/opinions-report.service';
import { RetentionService } from './participants/retention';
import { ReportsService } from './reports/reports.service';
import { SessionsService } from './sessions/sessions.service';
import { SettingsService } from './settings/settings.service';
import { LoginGuard } from './users/login-guard';
import type { SharedLimits } from './rate-limiter';
import { UsersService } from './users/users.service';
import { SmsIntakeService } from './venues/sms-intake.service';
import { OpinionsService } from './opinions/opinions.service';
import { UnitsService } from './opinions/units.service';
import { VenuesService } from './venues/venues.service';
import { localities } from './localities/localities';

/** Every domain service, wired once per app. Transports get this and nothing lower. */
export function createServices(
  port: DbPort,
  config: Pick<Config, 'orgName' | 'orgAbbreviation' | 'publicUrl' | 'rateLimit'> &
    Partial<Pick<Config, 'loginConcurrentHashes' | 'smsWindowSeconds' | 'smsPerMinute'>>,
  clock: () => Date = () => new Date(),
  /** Cluster mode's limits in Redis; null on one node (the in-memory ones then). */
  sharedLimits: SharedLimits | null = null,
) {
  const events = new DomainEvents();
  // Many listeners (realtime, exports' caches) may subscribe; not a leak.
  events.setMaxListeners(50);
  // The data layer's batching port: services ask for it, transports never wrap them in it.
  events.holdUntilCommit((send) => port.afterCommit(send));
  const groupCommit = new GroupCommit(port);
  const loginGuard = new LoginGuard({
    failuresPerAddress: config.rateLimit.loginFailuresPerIp ?? 30,
    concurrentHashes: config.loginConcurrentHashes ?? 2,
    shared: sharedLimits?.loginFailures,
  });
  const users = new UsersService(port, events, loginGuard.gate);
  const sessions = new SessionsService(port, events);
  const settings = new SettingsService(port, config, events);
  const units = new UnitsService(port, async () => {
    const o = await settings.get();
    return { name: o.orgName, abbreviation: o.orgAbbreviation };
  });
  sessions.useUnits(units);
  const registry = new ParticipantRegistry(port);
  const questions = new QuestionsService(
    port,
    events,
    sessions,
    {
      questionsPerMinute: config.rateLimit.questionsPerMinute,
      votesPerMinute: config.rateLimit.votesPerMinute,
      postModerationPublishPerMinute: config.rateLimit.postModerationPublishPerMinute ?? 120,
      smsPerMinute: config.smsPerMinute ?? 3,
      shared: sharedLimits,
    },
    registry,
    groupCommit,
  );
  const participants = new ParticipantsService(port, sessions, events, questions.repo, registry, groupCommit);
  const venues = new VenuesService(port, events, sessions);
  const smsIntake = new SmsIntakeService(port, sessions, questions, groupCommit, (config.smsWindowSeconds ?? 300) * 1000);
  const answers = new AnswersService(port, events, questions, sessions);
  const followUps = new FollowUpsService(port, events, sessions);
  const audit = new AuditService(port, sessions);
  // A session's documents are issued by its unit; the settings' organisation only when it has none.
  const reports = new ReportsService(port, sessions, questions, async (sessionId) => {
    const unitId = (await sessions.row(sessionId)).unitId;
    const unit = unitId === null ? undefined : await units.repo.byId(unitId);
    if (unit) return { name: unit.name, abbreviation: unit.abbreviation, parentName: unit.parentName ?? null, place: unit.place };
    const o = await settings.get();
    return { name: o.orgName, abbreviation: o.orgAbbreviation, parentName: null, place: null };
  });
  const conclusions = new ConclusionsService(port, reports);
  const opinions = new OpinionsService(port, events, sessions, units, reports);
  const minutesNotes = new MinutesNotesService(port, events, sessions);
  const retention = new RetentionService(port, clock);
  const opinionsReport = new OpinionsReportService(port, sessions, clock);
  return {
    /** Resolves once what the services load at start (the banned participants) is loaded. */
    ready: registry.ready,
    sharedLimits,
    port,
    config,
    events,
    groupCommit,
    loginGuard,
    settings,
    users,
    sessions,
    participants,
    questions,
    venues,
    smsIntake,
    answers,
    followUps,
    reports,
    conclusions,
    units,
    opinions,
    minutesNotes,
    audit,
    retention,
    /** The official list of administrative units (read-only, shipped with the server, indexed once). */
    localities: localities(),
    opinionsReport,
  };
}

export type Services = ReturnType<typeof createServices>;
