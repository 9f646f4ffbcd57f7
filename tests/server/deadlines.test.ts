import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadlineState, statutoryDeadlines, type DeadlineInput } from '../../shared/deadlines';
import type { SessionDeadlines } from '../../shared/schemas/opinions-report';
import { auth, createSession, createStaff, createTestApp, errorCode, type TestApp } from '../helpers/app';
import { vn } from '../helpers/opinions-register';

const base: DeadlineInput = {
  audienceGroup: null,
  unitLevel: 'province',
  startsAt: vn('2027-03-26 08:00'),
  closedAt: null,
  planPublishedAt: null,
  announcedAt: null,
  resultsPublishedAt: null,
};

describe('statutory deadlines (shared rule)', () => {
  it('applies the youth plan (30 days) to youth, the announcement (7 days) to communes, the results (10 days) to all', () => {
    expect(statutoryDeadlines(base, '2027-01-01').map((i) => i.key)).toEqual(['results']);
    expect(statutoryDeadlines({ ...base, audienceGroup: 'youth' }, '2027-01-01').map((i) => [i.key, i.dueDate])).toEqual([
      ['plan', '2027-02-24'],
      ['results', '2027-04-05'],
    ]);
    expect(statutoryDeadlines({ ...base, audienceGroup: 'youth', unitLevel: 'commune' }, '2027-01-01').map((i) => [i.key, i.dueDate])).toEqual([
      ['plan', '2027-02-24'],
      ['announce', '2027-03-19'],
      ['results', '2027-04-05'],
    ]);
  });

  it('counts days in Vietnam: a start at 06:00 on 1 March there is 28 February in UTC', () => {
    const items = statutoryDeadlines({ ...base, unitLevel: 'commune', startsAt: '2027-02-28T23:00:00.000Z' }, '2027-01-01');
    expect(items.find((i) => i.key === 'announce')!.dueDate).toBe('2027-02-22');
  });

  it('results count from the day it closed; until then from the scheduled day, marked provisional', () => {
    const open = statutoryDeadlines(base, '2027-03-30')[0]!;
    expect(open).toMatchObject({ key: 'results', dueDate: '2027-04-05', provisional: true, state: 'due' });
    const closed = statutoryDeadlines({ ...base, closedAt: vn('2027-03-27 11:00') }, '2027-04-10')[0]!;
    expect(closed).toMatchObject({ dueDate: '2027-04-06', provisional: false, state: 'overdue' });
  });

  it('states: done on time (on the due day too), done late, due, overdue', () => {
    expect(deadlineState('2027-02-24', '2027-02-24', '2027-05-01')).toBe('done_on_time');
    expect(deadlineState('2027-02-24', '2027-02-25', '2027-05-01')).toBe('done_late');
    expect(deadlineState('2027-02-24', null, '2027-02-24')).toBe('due');
    expect(deadlineState('2027-02-24', null, '2027-02-25')).toBe('overdue');
    const items = statutoryDeadlines({ ...base, audienceGroup: 'youth', planPublishedAt: '2027-02-20', closedAt: vn('2027-03-26 11:00'), resultsPublishedAt: '2027-04-09' }, '2027-04-20');
    expect(items.map((i) => [i.key, i.doneDate, i.state])).toEqual([
      ['plan', '2027-02-20', 'done_on_time'],
      ['results', '2027-04-09', 'done_late'],
    ]);
  });
});

describe('GET /api/sessions/:id/deadlines', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('gives the checklist of a commune youth dialogue; the dates entered by the secretary move it', async () => {
    const sec = await createStaff(t, 'secretary');
    const unit = (await t.app.inject({ method: 'POST', url: '/api/units', headers: auth(t.adminToken), payload: { name: 'ỦY BAN NHÂN DÂN XÃ KIM BÌNH', abbreviation: 'UBND', level: 'commune', place: 'Kim Bình' } })).json();
    const s = await createSession(t, 'open', { startsAt: vn('2030-06-15 08:00'), unitId: unit.id, audienceGroup: 'youth' });
    const get = async (): Promise<SessionDeadlines> => (await t.app.inject({ url: `/api/sessions/${s.id}/deadlines`, headers: auth(sec.token) })).json();
    const before = await get();
    expect(before.unitLevel).toBe('commune');
    expect(before.items.map((i) => [i.key, i.dueDate, i.state])).toEqual([
      ['plan', '2030-05-16', 'due'],
      ['announce', '2030-06-08', 'due'],
      ['results', '2030-06-25', 'due'],
    ]);
    const patch = await t.app.inject({ method: 'PATCH', url: `/api/sessions/${s.id}`, headers: auth(sec.token), payload: { planPublishedAt: '2030-05-10', announcedAt: '2030-06-10' } });
    expect(patch.statusCode, patch.body).toBe(200);
    const after = await get();
    expect(after.items.map((i) => [i.key, i.doneDate, i.state])).toEqual([
      ['plan', '2030-05-10', 'done_on_time'],
      ['announce', '2030-06-10', 'done_late'],
      ['results', null, 'due'],
    ]);
    const other = await createStaff(t, 'secretary', { assign: false });
    expect(errorCode(await t.app.inject({ url: `/api/sessions/${s.id}/deadlines`, headers: auth(other.token) }))).toBe('NOT_ASSIGNED');
  });
});
