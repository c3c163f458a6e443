import { splitArgs } from './call-args.js';

/**
 * dbt's `modules` context: the basics of Python's datetime, re, itertools and pytz that packages
 * use (dbt-date, dbt-utils). Dates are UTC; a `datetime` is a JavaScript Date carrying Python's
 * methods (`strftime`, `isoformat`, `date()`, `replace()`), so it also prints as ISO text.
 */

type PyDate = Date & Record<string, unknown>;

const pad = (value: number, size = 2): string => String(value).padStart(size, '0');
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function strftime(date: Date, format: string): string {
  return format.replace(/%([a-zA-Z%])/g, (match, code: string) => {
    switch (code) {
      case 'Y':
        return pad(date.getUTCFullYear(), 4);
      case 'y':
        return pad(date.getUTCFullYear() % 100);
      case 'm':
        return pad(date.getUTCMonth() + 1);
      case 'd':
        return pad(date.getUTCDate());
      case 'H':
        return pad(date.getUTCHours());
      case 'M':
        return pad(date.getUTCMinutes());
      case 'S':
        return pad(date.getUTCSeconds());
      case 'f':
        return pad(date.getUTCMilliseconds() * 1000, 6);
      case 'j':
        return pad(
          Math.floor((Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000) + 1,
          3,
        );
      case 'A':
        return DAYS[date.getUTCDay()]!;
      case 'a':
        return DAYS[date.getUTCDay()]!.slice(0, 3);
      case 'B':
        return MONTHS[date.getUTCMonth()]!;
      case 'b':
        return MONTHS[date.getUTCMonth()]!.slice(0, 3);
      case 'w':
        return String(date.getUTCDay());
      case 'z':
        return '+0000';
      case 'Z':
        return 'UTC';
      case '%':
        return '%';
      default:
        return match;
    }
  });
}

/** A Python `date` (isDate) or `datetime`, as a Date with Python's methods and printing. */
function pyDate(date: Date, isDate: boolean): PyDate {
  const value = new Date(date.getTime()) as PyDate;
  const iso = () =>
    isDate ? strftime(value, '%Y-%m-%d') : strftime(value, '%Y-%m-%dT%H:%M:%S') + (value.getUTCMilliseconds() ? `.${strftime(value, '%f')}` : '');
  Object.assign(value, {
    year: value.getUTCFullYear(),
    month: value.getUTCMonth() + 1,
    day: value.getUTCDate(),
    hour: value.getUTCHours(),
    minute: value.getUTCMinutes(),
    second: value.getUTCSeconds(),
    strftime: (format: string) => strftime(value, String(format)),
    isoformat: (separator = 'T') => iso().replace('T', String(separator)),
    date: () => pyDate(new Date(Date.UTC(value.getUTCFullYear(), value.getUTCMonth(), value.getUTCDate())), true),
    weekday: () => (value.getUTCDay() + 6) % 7,
    isoweekday: () => ((value.getUTCDay() + 6) % 7) + 1,
    timestamp: () => value.getTime() / 1000,
    replace: (...args: unknown[]) => {
      const { keywords } = splitArgs(args);
      const k = keywords as Record<string, number | undefined>;
      return pyDate(
        new Date(
          Date.UTC(
            k.year ?? value.getUTCFullYear(),
            (k.month ?? value.getUTCMonth() + 1) - 1,
            k.day ?? value.getUTCDate(),
            k.hour ?? value.getUTCHours(),
            k.minute ?? value.getUTCMinutes(),
            k.second ?? value.getUTCSeconds(),
          ),
        ),
        isDate,
      );
    },
    astimezone: () => value,
    __add__: (delta: { ms: number }) => pyDate(new Date(value.getTime() + delta.ms), isDate),
    __sub__: (delta: { ms: number }) => pyDate(new Date(value.getTime() - delta.ms), isDate),
  });
  // str(datetime) separates with a space; isoformat() with a T.
  value.toString = () => iso().replace('T', ' ');
  return value;
}

function timedelta(...args: unknown[]): Record<string, unknown> {
  const { positional, keywords } = splitArgs(args);
  const k = { days: positional[0], seconds: positional[1], ...keywords } as Record<string, number | undefined>;
  const ms =
    ((k.weeks ?? 0) * 7 * 86_400 + (k.days ?? 0) * 86_400 + (k.hours ?? 0) * 3600 + (k.minutes ?? 0) * 60 + (k.seconds ?? 0)) * 1000 + (k.milliseconds ?? 0);
  return { ms, days: Math.floor(ms / 86_400_000), seconds: Math.floor((ms % 86_400_000) / 1000), total_seconds: () => ms / 1000 };
}

function dateParts(args: unknown[]): number[] {
  const { positional, keywords } = splitArgs(args);
  const names = ['year', 'month', 'day', 'hour', 'minute', 'second'];
  return names.map((name, index) => Number(positional[index] ?? keywords[name] ?? (index < 3 ? 1 : 0)));
}

function datetimeModule(): Record<string, unknown> {
  const datetime = Object.assign(
    (...args: unknown[]) => {
      const [y, mo, d, h, mi, s] = dateParts(args);
      return pyDate(new Date(Date.UTC(y!, mo! - 1, d!, h, mi, s)), false);
    },
    {
      now: () => pyDate(new Date(), false),
      utcnow: () => pyDate(new Date(), false),
      today: () => pyDate(new Date(), false),
      fromisoformat: (text: string) => pyDate(new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`), false),
      strptime: (text: string, format: string) => pyDate(parseWithFormat(String(text), String(format)), false),
    },
  );
  const date = Object.assign(
    (...args: unknown[]) => {
      const [y, mo, d] = dateParts(args);
      return pyDate(new Date(Date.UTC(y!, mo! - 1, d!)), true);
    },
    {
      today: () => (pyDate(new Date(), false).date as () => PyDate)(),
      fromisoformat: (text: string) => pyDate(new Date(`${text}T00:00:00Z`), true),
    },
  );
  return { datetime, date, timedelta, timezone: { utc: UTC } };
}

/** strptime for the numeric codes (%Y %m %d %H %M %S): enough for dates written by other macros. */
function parseWithFormat(text: string, format: string): Date {
  const parts: Record<string, number> = { Y: 1970, m: 1, d: 1, H: 0, M: 0, S: 0 };
  const codes: string[] = [];
  const pattern = format.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%([YmdHMS])/g, (_match, code: string) => {
    codes.push(code);
    return code === 'Y' ? '(\\d{4})' : '(\\d{1,2})';
  });
  const match = new RegExp(`^${pattern}$`).exec(text);
  if (match === null) throw new Error(`time data '${text}' does not match format '${format}'`);
  codes.forEach((code, index) => (parts[code] = Number(match[index + 1])));
  return new Date(Date.UTC(parts.Y!, parts.m! - 1, parts.d!, parts.H, parts.M, parts.S));
}

const UTC = { zone: 'UTC', toString: () => 'UTC', localize: (value: unknown) => value };

/** Python's re with JavaScript's regular expressions (the syntax both share). */
function reModule(): Record<string, unknown> {
  const flags = (value: unknown) => (Number(value ?? 0) & 2 ? 'i' : '') + (Number(value ?? 0) & 8 ? 'm' : '') + (Number(value ?? 0) & 16 ? 's' : '');
  const matchObject = (found: RegExpExecArray | null) =>
    found === null
      ? null
      : {
          group: (index = 0) => found[index] ?? null,
          groups: () => found.slice(1),
          start: () => found.index,
          end: () => found.index + found[0].length,
          string: found.input,
        };
  const compile = (pattern: string, flag?: unknown) => {
    const source = String(pattern);
    return {
      pattern: source,
      match: (text: string) => matchObject(new RegExp(`^(?:${source})`, flags(flag)).exec(String(text))),
      fullmatch: (text: string) => matchObject(new RegExp(`^(?:${source})$`, flags(flag)).exec(String(text))),
      search: (text: string) => matchObject(new RegExp(source, flags(flag)).exec(String(text))),
      findall: (text: string) => [...String(text).matchAll(new RegExp(source, `g${flags(flag)}`))].map((m) => (m.length > 2 ? m.slice(1) : (m[1] ?? m[0]))),
      sub: (replacement: string, text: string) => String(text).replace(new RegExp(source, `g${flags(flag)}`), String(replacement).replace(/\\(\d)/g, '$$$1')),
      split: (text: string) => String(text).split(new RegExp(source, flags(flag))),
    };
  };
  return {
    compile,
    match: (pattern: string, text: string, flag?: unknown) => compile(pattern, flag).match(text),
    fullmatch: (pattern: string, text: string, flag?: unknown) => compile(pattern, flag).fullmatch(text),
    search: (pattern: string, text: string, flag?: unknown) => compile(pattern, flag).search(text),
    findall: (pattern: string, text: string, flag?: unknown) => compile(pattern, flag).findall(text),
    sub: (pattern: string, replacement: string, text: string, ...rest: unknown[]) => compile(pattern, splitArgs(rest).keywords.flags).sub(replacement, text),
    split: (pattern: string, text: string) => compile(pattern).split(text),
    escape: (text: string) => String(text).replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'),
    IGNORECASE: 2,
    I: 2,
    MULTILINE: 8,
    M: 8,
    DOTALL: 16,
    S: 16,
  };
}

function itertoolsModule(): Record<string, unknown> {
  const product = (...lists: unknown[][]): unknown[][] =>
    lists.reduce<unknown[][]>((acc, list) => acc.flatMap((prefix) => [...list].map((item) => [...prefix, item])), [[]]);
  const combinations = (items: unknown[], size: number): unknown[][] => {
    if (size === 0) return [[]];
    return [...items].flatMap((item, index) => combinations([...items].slice(index + 1), size - 1).map((rest) => [item, ...rest]));
  };
  return {
    chain: (...lists: unknown[][]) => lists.flatMap((list) => [...list]),
    product: (...args: unknown[]) => product(...(splitArgs(args).positional as unknown[][])),
    combinations,
  };
}

export function pythonModules(): Record<string, unknown> {
  return {
    datetime: datetimeModule(),
    re: reModule(),
    itertools: itertoolsModule(),
    pytz: { utc: UTC, UTC, timezone: (name: string) => ({ zone: String(name), toString: () => String(name), localize: (value: unknown) => value }) },
  };
}
