/** ISO-8601 UTC timestamp with milliseconds, the format every table uses. */
export const nowIso = (): string => new Date().toISOString();
