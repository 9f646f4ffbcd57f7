import { describe, expect, it } from 'vitest';
import { match } from '../../client/src/lib/routes';

describe('the client route table', () => {
  it.each([
    ['/', 'landing', {}],
    ['/j/K7M2QP', 'participant', { code: 'K7M2QP' }],
    ['/j/k7m2qp/', 'participant', { code: 'k7m2qp' }],
    ['/login', 'login', {}],
    ['/staff', 'staff', {}],
    ['/moderate/12', 'moderate', { id: '12' }],
    ['/leader/3', 'leader', { id: '3' }],
    ['/display/3', 'display', { id: '3' }],
    ['/secretariat/3', 'secretariat', { id: '3' }],
    ['/admin', 'admin', {}],
    ['/register', 'register', {}],
    ['/units', 'units', {}],
    ['/track', 'track', {}],
    ['/track/ABCDEFGH23', 'track', { code: 'ABCDEFGH23' }],
    ['/public', 'public', {}],
    ['/public/4', 'public', { id: '4' }],
    ['/reports/opinions', 'opinionsReport', {}],
  ])('%s → %s', (path, name, params) => {
    expect(match(path)).toEqual({ name, params });
  });

  it.each(['/moderate/abc', '/display/', '/j', '/nowhere', '/admin/users/1'])('%s is not a page', (path) => {
    expect(match(path).name).toBe('notFound');
  });
});
