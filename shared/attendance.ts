/**
 * The people at a session: the main hall as the secretary counted it, plus
 * each linked venue's count. The secretariat's form, the statistics and the
 * minutes all add up with this one function. `missing` names the halls with
 * no count yet (the main hall is `null`); `total` sums the counts entered, and
 * is null while none is.
 */
export interface AttendanceTotal {
  total: number | null;
  missing: (number | null)[];
}

export function attendanceTotal(main: number | null, venues: readonly { id: number; attendance: number | null }[]): AttendanceTotal {
  const halls: { id: number | null; attendance: number | null }[] = [{ id: null, attendance: main }, ...venues];
  const entered = halls.filter((h) => h.attendance !== null);
  return {
    total: entered.length === 0 ? null : entered.reduce((n, h) => n + (h.attendance ?? 0), 0),
    missing: halls.filter((h) => h.attendance === null).map((h) => h.id),
  };
}
