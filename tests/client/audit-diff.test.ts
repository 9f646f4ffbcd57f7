import { describe, expect, it } from 'vitest';
import { auditChanges } from '../../client/src/lib/audit-diff';

describe('the audit log difference', () => {
  it('lists only the fields that changed, leaving out timestamps', () => {
    expect(
      auditChanges(
        { status: 'pending', topic: null, text: 'Câu hỏi', updatedAt: '2026-11-28T01:00:00Z' },
        { status: 'approved', topic: 'Giáo dục', text: 'Câu hỏi', updatedAt: '2026-11-28T01:05:00Z' },
      ),
    ).toEqual([
      { field: 'status', before: 'pending', after: 'approved' },
      { field: 'topic', before: '—', after: 'Giáo dục' },
    ]);
  });

  it('shows what was set when there was nothing before, and what was cleared', () => {
    expect(auditChanges(null, { kind: 'written' })).toEqual([{ field: 'kind', before: '—', after: 'written' }]);
    expect(auditChanges({ note: 'x' }, {})).toEqual([{ field: 'note', before: 'x', after: '—' }]);
    expect(auditChanges({ staff: [2, 3] }, { staff: [3] })).toEqual([{ field: 'staff', before: '[2,3]', after: '[3]' }]);
  });

  it('says nothing when nothing changed', () => {
    expect(auditChanges(null, null)).toEqual([]);
    expect(auditChanges({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
