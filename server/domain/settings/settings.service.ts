import type { OrgSettings, UpdateOrgSettingsBody } from '../../../shared/schemas/settings';
import { publicUrl, type Config } from '../../config';
import type { DbPort } from '../../db/port';
import { requireStaff, type Actor } from '../actor';
import { recordAudit } from '../audit/audit.repo';
import { DomainError } from '../errors';
import type { DomainEvents } from '../events';
import { SettingsRepo } from './settings.repo';

const KEYS = { orgName: 'org_name', orgAbbreviation: 'org_abbreviation', publicUrl: 'public_url' } as const;

/**
 * The organisation's settings: the name printed on documents, its
 * abbreviation in document numbers, and the public address used in every
 * link and QR code. The admin sets them on the settings page; what is not
 * set there comes from the environment (ORG_NAME, ORG_ABBREVIATION,
 * PUBLIC_URL).
 */
export class SettingsService {
  readonly repo: SettingsRepo;
  private cached: OrgSettings | null = null;
  /** Bumped by each change: a read begun before it must not cache what it read. */
  private generation = 0;

  constructor(
    private readonly port: DbPort,
    private readonly config: Pick<Config, 'orgName' | 'orgAbbreviation' | 'publicUrl'>,
    private readonly events?: DomainEvents,
  ) {
    this.repo = new SettingsRepo(port);
  }

  /**
   * Current values (stored ones over the environment's). Cheap: kept in
   * memory between changes; async because the first call after a change
   * reads the table.
   */
  async get(): Promise<OrgSettings> {
    if (this.cached) return this.cached;
    const generation = this.generation;
    const current = await this.read();
    if (generation === this.generation) this.cached = current;
    return current;
  }

  /** What the table holds now, over the environment's values. */
  private async read(): Promise<OrgSettings> {
    const stored = await this.repo.read(Object.values(KEYS));
    return {
      orgName: stored.get(KEYS.orgName) ?? this.config.orgName,
      orgAbbreviation: stored.get(KEYS.orgAbbreviation) ?? this.config.orgAbbreviation,
      publicUrl: stored.get(KEYS.publicUrl) ?? this.config.publicUrl,
    };
  }

  /** Read them again at the next use (another node changed them). */
  forget(): void {
    this.generation++;
    this.cached = null;
  }

  /** Admin only. An empty string puts a field back to the environment's value. */
  async update(actor: Actor, body: UpdateOrgSettingsBody): Promise<OrgSettings> {
    requireStaff(actor, ['admin']);
    const values: Record<string, string | null> = {};
    if (body.orgName !== undefined) values[KEYS.orgName] = body.orgName.trim() || null;
    if (body.orgAbbreviation !== undefined) {
      const abbr = body.orgAbbreviation.trim();
      if (abbr !== '' && !/^[\p{Lu}\p{N}Đ][\p{Lu}\p{N}Đ.&-]*$/u.test(abbr)) {
        throw new DomainError('INVALID_SETTING', 'the abbreviation is written in capitals, digits, "-", "." or "&" (e.g. UBND, UBND-VP)');
      }
      values[KEYS.orgAbbreviation] = abbr || null;
    }
    if (body.publicUrl !== undefined) {
      let url: string | null;
      try {
        url = publicUrl(body.publicUrl);
      } catch (err) {
        throw new DomainError('INVALID_SETTING', (err as Error).message);
      }
      values[KEYS.publicUrl] = url;
    }
    const after = await this.port.tx(async () => {
      // Two admins saving at once (two nodes on PostgreSQL): one after the other, each audit entry with the values it replaced.
      await this.repo.lock();
      const before = await this.read();
      await this.repo.write(values);
      const after = await this.read();
      await recordAudit(this.port, actor, { action: 'settings.update', entity: 'settings', before, after });
      this.events?.emit('settings:changed');
      return after;
    });
    // Once committed: a read begun before this must not cache the old values.
    this.forget();
    return after;
  }
}
