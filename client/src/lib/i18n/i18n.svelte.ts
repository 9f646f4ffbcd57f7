import type { ErrorCode } from '../../../../shared/errors';
import { en } from './en';
import { vi, type MessageKey } from './vi';

export type Locale = 'vi' | 'en';
export type { MessageKey };
/** Errors the client itself produces when the server cannot be reached. */
export type ClientErrorCode = ErrorCode | 'NETWORK' | 'TIMEOUT';

// Compile-time proof that every server error code has a sentence.
const _everyCodeTranslated: readonly MessageKey[] = [] as `error.${ClientErrorCode}`[];
void _everyCodeTranslated;

const dictionaries: Record<Locale, Record<MessageKey, string>> = { vi, en };
const STORAGE_KEY = 'ln:locale';
/** Sessions happen in Vietnam: times are shown in Vietnam's zone whatever the device says. */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

export type Params = Record<string, string | number>;

function readStoredLocale(): Locale {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

export class I18n {
  #locale = $state<Locale>(readStoredLocale());

  constructor() {
    this.#applyToDocument();
  }

  get locale(): Locale {
    return this.#locale;
  }

  set locale(next: Locale) {
    this.#locale = next;
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // private mode: the choice lasts until reload, which is fine
    }
    this.#applyToDocument();
  }

  #applyToDocument(): void {
    if (typeof document !== 'undefined') document.documentElement.lang = this.#locale;
  }

  /** Arrow properties so that `const { t } = i18n` keeps working in templates. */
  t = (key: MessageKey, params?: Params): string => {
    const dict = dictionaries[this.#locale];
    let text: string = dict[key];
    if (params && typeof params.count === 'number') {
      const form = new Intl.PluralRules(this.#locale).select(params.count);
      const pluralKey = `${key}_${form}` as MessageKey;
      if (form === 'one' && pluralKey in dict) text = dict[pluralKey];
    }
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (m, name: string) => {
      const v = params[name];
      if (v === undefined) return m;
      return typeof v === 'number' ? this.number(v) : v;
    });
  };

  /** A key built at run time (an audit action, a field name): its text if the dictionary has it, else `fallback`. */
  maybe = (key: string, fallback: string): string => (key in vi ? this.t(key as MessageKey) : fallback);

  error = (code: string): string => {
    const key = `error.${code}` as MessageKey;
    return key in vi ? this.t(key) : this.t('error.INTERNAL');
  };

  number = (n: number): string => new Intl.NumberFormat(this.#locale === 'vi' ? 'vi-VN' : 'en-GB').format(n);

  dateTime = (iso: string): string =>
    new Intl.DateTimeFormat(this.#locale === 'vi' ? 'vi-VN' : 'en-GB', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: TIME_ZONE,
    }).format(new Date(iso));

  time = (iso: string): string =>
    new Intl.DateTimeFormat(this.#locale === 'vi' ? 'vi-VN' : 'en-GB', { timeStyle: 'short', timeZone: TIME_ZONE }).format(new Date(iso));

  /** The day of an instant, in Vietnam (when an opinion was received). */
  day = (iso: string): string =>
    new Intl.DateTimeFormat(this.#locale === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'medium', timeZone: TIME_ZONE }).format(new Date(iso));

  /** A calendar date `YYYY-MM-DD` (deadlines): no zone shift. */
  date = (ymd: string): string => {
    const d = new Date(`${ymd}T12:00:00Z`);
    if (Number.isNaN(d.getTime())) return ymd;
    return new Intl.DateTimeFormat(this.#locale === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
  };
}
