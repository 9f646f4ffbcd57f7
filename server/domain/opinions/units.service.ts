import type { CreateFieldBody, CreateUnitBody, Field, Unit, UpdateFieldBody, UpdateUnitBody } from '../../../shared/schemas/opinions';
import { cleanLine, cleanLineOrNull } from '../../../shared/text';
import { foldText } from '../../../shared/fields';
import type { DbPort } from '../../db/port';
import { requireStaff, SYSTEM, type Actor } from '../actor';
import { recordAudit } from '../audit/audit.repo';
import { nowIso } from '../clock';
import { DomainError, fail } from '../errors';
import { placeNameFrom } from '../reports/place-name';
import { lockInTx, REGISTER_LOCKS } from './register-locks';
import { UnitsRepo, type FieldRow, type UnitRow } from './units.repo';

export const toUnit = (u: UnitRow): Unit => ({
  id: u.id,
  name: u.name,
  abbreviation: u.abbreviation,
  level: u.level,
  parentName: u.parentName ?? null,
  place: u.place,
  code: u.code ?? null,
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
});

const parseKeywords = (json: string): string[] => {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
};

export const toField = (f: FieldRow): Field => ({
  id: f.id,
  name: f.name,
  keywords: parseKeywords(f.keywords),
  position: f.position,
  active: f.active,
});

const required = (v: string, what: string): string => cleanLine(v) || fail('INVALID_PAYLOAD', `${what} is empty once invisible characters are removed`);
/** Keywords are stored folded (lower case, no diacritics), each once: what the suggestion matches against. */
const keywordList = (ks: readonly string[]): string => JSON.stringify([...new Set(ks.map(foldText).filter(Boolean))]);

/**
 * Organising units (the body named in document headers, numbering documents,
 * owning sessions and opinions) and fields (lĩnh vực). Staff read, admins write.
 */
export class UnitsService {
  readonly repo: UnitsRepo;
  constructor(
    private readonly port: DbPort,
    /** The settings' organisation, for the first unit. */
    private readonly org: () => Promise<{ name: string; abbreviation: string }>,
  ) {
    this.repo = new UnitsRepo(port);
  }

  async list(actor: Actor): Promise<Unit[]> {
    requireStaff(actor);
    return (await this.repo.list()).map(toUnit);
  }

  /** The row, or 400 (a body names a unit that does not exist). No authorization. */
  async row(id: number): Promise<UnitRow> {
    return (await this.repo.byId(id)) ?? fail('INVALID_PAYLOAD', `no unit ${id}`);
  }

  /**
   * The first unit, made from the settings' organisation (ORG_NAME) when
   * there is none yet; sessions without a unit are given it. Idempotent: runs
   * at every start.
   */
  async ensureDefault(): Promise<UnitRow> {
    return this.port.tx(async () => {
      // Nodes starting together on PostgreSQL: one makes the unit, the others find it.
      await lockInTx(this.port, REGISTER_LOCKS.defaultUnit);
      let unit = await this.repo.first();
      if (!unit) {
        // The settings are read from the database: an await that may stay inside the transaction.
        const org = await this.org();
        const name = cleanLine(org.name) || 'ỦY BAN NHÂN DÂN';
        unit = await this.repo.insert({
          name,
          abbreviation: cleanLine(org.abbreviation) || 'UBND',
          level: /(^|\s)(XÃ|PHƯỜNG|ĐẶC KHU)(\s|$)/iu.test(name) ? 'commune' : 'province',
          place: placeNameFrom(name),
        });
        await recordAudit(this.port, SYSTEM, { action: 'unit.create', entity: 'unit', entityId: unit.id, after: unit });
      }
      const assigned = await this.repo.assignSessionsWithoutUnit(unit.id);
      if (assigned > 0) await recordAudit(this.port, SYSTEM, { action: 'unit.sessions.assign', entity: 'unit', entityId: unit.id, after: { sessions: assigned } });
      return unit;
    });
  }

  async create(actor: Actor, body: CreateUnitBody): Promise<Unit> {
    requireStaff(actor, ['admin']);
    const row = await this.port.tx(async () => {
      const inserted = await this.repo.insert({
        name: required(body.name, 'name'),
        abbreviation: body.abbreviation,
        level: body.level,
        parentName: cleanLineOrNull(body.parentName),
        place: required(body.place, 'place'),
        code: body.code ?? null,
      });
      await recordAudit(this.port, actor, { action: 'unit.create', entity: 'unit', entityId: inserted.id, after: inserted });
      return inserted;
    });
    return toUnit(row);
  }

  async update(actor: Actor, id: number, body: UpdateUnitBody): Promise<Unit> {
    requireStaff(actor, ['admin']);
    const before = await this.repo.byId(id);
    if (!before) throw new DomainError('NOT_FOUND', `no unit ${id}`);
    const patch: Partial<UnitRow> = {};
    if (body.name !== undefined) patch.name = required(body.name, 'name');
    if (body.abbreviation !== undefined) patch.abbreviation = body.abbreviation;
    if (body.level !== undefined) patch.level = body.level;
    if (body.parentName !== undefined) patch.parentName = cleanLineOrNull(body.parentName);
    if (body.place !== undefined) patch.place = required(body.place, 'place');
    if (body.code !== undefined) patch.code = body.code;
    const after = await this.port.tx(async () => {
      const row = await this.repo.update(id, { ...patch, updatedAt: nowIso() });
      await recordAudit(this.port, actor, { action: 'unit.update', entity: 'unit', entityId: id, before, after: row });
      return row;
    });
    return toUnit(after);
  }

  // ---- fields ------------------------------------------------------------------

  async fields(actor: Actor): Promise<Field[]> {
    requireStaff(actor);
    return (await this.repo.fields()).map(toField);
  }

  /** A field that may be given to an opinion now (exists and is active), or 400. */
  async requireActiveField(id: number): Promise<FieldRow> {
    const f = await this.repo.fieldById(id);
    if (!f) throw new DomainError('INVALID_PAYLOAD', `no field ${id}`);
    if (!f.active) throw new DomainError('INVALID_PAYLOAD', `field ${id} is retired`);
    return f;
  }

  async createField(actor: Actor, body: CreateFieldBody): Promise<Field> {
    requireStaff(actor, ['admin']);
    const name = required(body.name, 'name');
    if (await this.repo.fieldByName(name)) throw new DomainError('CONFLICT', `a field named ${name} exists`);
    const row = await this.port
      .tx(async () => {
        const inserted = await this.repo.insertField({
          name,
          keywords: keywordList(body.keywords ?? []),
          position: body.position ?? (await this.repo.nextFieldPosition()),
        });
        await recordAudit(this.port, actor, { action: 'field.create', entity: 'field', entityId: inserted.id, after: inserted });
        return inserted;
      })
      .catch((err: unknown) => this.nameTaken(err, name));
    return toField(row);
  }

  /** Rename, keywords, position, or `active: false` to retire (what was classified keeps it). */
  async updateField(actor: Actor, id: number, body: UpdateFieldBody): Promise<Field> {
    requireStaff(actor, ['admin']);
    const before = await this.repo.fieldById(id);
    if (!before) throw new DomainError('NOT_FOUND', `no field ${id}`);
    const patch: Partial<FieldRow> = {};
    if (body.name !== undefined) {
      patch.name = required(body.name, 'name');
      const same = await this.repo.fieldByName(patch.name);
      if (same && same.id !== id) throw new DomainError('CONFLICT', `a field named ${patch.name} exists`);
    }
    if (body.keywords !== undefined) patch.keywords = keywordList(body.keywords);
    if (body.position !== undefined) patch.position = body.position;
    if (body.active !== undefined) patch.active = body.active;
    const after = await this.port
      .tx(async () => {
        const row = await this.repo.updateField(id, patch);
        await recordAudit(this.port, actor, { action: 'field.update', entity: 'field', entityId: id, before, after: row });
        return row;
      })
      .catch((err: unknown) => this.nameTaken(err, patch.name ?? before.name));
    return toField(after);
  }

  /** The name check above raced another admin's save of the same name: the unique index says so. */
  private nameTaken(err: unknown, name: string): never {
    if (this.port.isUniqueViolation(err)) throw new DomainError('CONFLICT', `a field named ${name} exists`);
    throw err;
  }
}
