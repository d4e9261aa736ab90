/**
 * Whether DynamoDB stores this number exactly and a JavaScript reader gets it back unchanged: a safe
 * integer, or a finite fraction within DynamoDB's range (at least 1e-130 in magnitude).
 */
export function isStorableNumber(value: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (Number.isInteger(value)) return Number.isSafeInteger(value);
  return Math.abs(value) >= 1e-130;
}

/**
 * The JSON reader of every request body (and of pre-chat fields sent as JSON strings), iterative so that no nesting depth can overflow the stack.
 *
 * - Trailing commas before `}` or `]` pass: the Operator API page's own setWebhook example has one,
 *   and DialogStudio users copy it. Everything else is strict JSON.
 * - A number that would not survive as a JavaScript number stored in DynamoDB (an integer beyond
 *   ±(2^53−1), a value the double changes, `1e400`, `1e-200`, more than DynamoDB's range) arrives as its
 *   text as sent, e.g. `"12345678901234567890"`: nothing is silently rounded. Where a schema wants a
 *   number, such text is refused like any string.
 * - Strings come out well-formed (a lone surrogate becomes U+FFFD), as they will be stored in UTF-8.
 * - A `__proto__` key is an own property, as with JSON.parse; it never reaches a prototype.
 */
export function parseLenientJson(text: string): unknown {
  return new JsonReader(text).read();
}

type Container =
  | { kind: 'object'; value: Record<string, unknown>; key: string }
  | { kind: 'array'; value: unknown[] };

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const plainInteger = /^-?\d{1,15}$/;
const loneSurrogate = /\p{Cs}/gu;
const escapes: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class JsonReader {
  private at = 0;
  constructor(private readonly text: string) {}

  read(): unknown {
    const open: Container[] = [];
    for (;;) {
      let value = this.value(open);
      if (value === OPENED) continue;
      for (;;) {
        const parent = open.at(-1);
        if (!parent) {
          this.skipSpace();
          if (this.at !== this.text.length) this.fail();
          return value;
        }
        if (parent.kind === 'array') parent.value.push(value);
        else setOwn(parent.value, parent.key, value);
        this.skipSpace();
        const char = this.text[this.at];
        const closer = parent.kind === 'array' ? ']' : '}';
        if (char === ',') {
          this.at++;
          this.skipSpace();
          if (this.text[this.at] !== closer) {
            if (parent.kind === 'object') parent.key = this.key();
            break;
          }
        } else if (char !== closer) this.fail();
        this.at++;
        open.pop();
        value = parent.value;
      }
    }
  }

  /** A primitive, an empty container, or OPENED after pushing a container that has content to read. */
  private value(open: Container[]): unknown {
    this.skipSpace();
    const char = this.text[this.at];
    if (char === '{' || char === '[') {
      this.at++;
      this.skipSpace();
      if (char === '{') {
        if (this.text[this.at] === '}') return this.after({});
        open.push({ kind: 'object', value: {}, key: this.key() });
      } else {
        if (this.text[this.at] === ']') return this.after([]);
        open.push({ kind: 'array', value: [] });
      }
      return OPENED;
    }
    if (char === '"') return this.string();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.number();
    for (const [word, literal] of literals) {
      if (this.text.startsWith(word, this.at)) return this.after(literal, word.length);
    }
    return this.fail();
  }

  private after<T>(value: T, length = 1): T {
    this.at += length;
    return value;
  }

  private key(): string {
    this.skipSpace();
    if (this.text[this.at] !== '"') this.fail();
    const key = this.string();
    this.skipSpace();
    if (this.text[this.at] !== ':') this.fail();
    this.at++;
    return key;
  }

  private string(): string {
    const { text } = this;
    let out = '';
    let start = ++this.at;
    for (;;) {
      const code = text.charCodeAt(this.at);
      if (code === 0x22) {
        out += text.slice(start, this.at++);
        return out.replace(loneSurrogate, '\ufffd');
      }
      if (code === 0x5c) {
        out += text.slice(start, this.at);
        const escaped = text[this.at + 1] ?? '';
        if (escaped === 'u') {
          const hex = text.slice(this.at + 2, this.at + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail();
          out += String.fromCharCode(Number.parseInt(hex, 16));
          this.at += 6;
        } else {
          const unescaped = escapes[escaped];
          if (unescaped === undefined) this.fail();
          out += unescaped;
          this.at += 2;
        }
        start = this.at;
        continue;
      }
      // Control characters may not appear raw; NaN is the end of the text.
      if (!(code >= 0x20)) this.fail();
      this.at++;
    }
  }

  private number(): number | string {
    numberPattern.lastIndex = this.at;
    const token = numberPattern.exec(this.text)?.[0];
    if (!token) return this.fail();
    this.at += token.length;
    const value = Number(token);
    if (plainInteger.test(token)) return value;
    return isStorableNumber(value) && sameDecimal(token, String(value)) ? value : token;
  }

  private skipSpace() {
    const { text } = this;
    for (;;) {
      const char = text[this.at];
      if (char !== ' ' && char !== '\n' && char !== '\r' && char !== '\t') return;
      this.at++;
    }
  }

  private fail(): never {
    // The position only: the text itself is a request value and may end up in a log.
    throw new SyntaxError(`Not valid JSON at position ${this.at}`);
  }
}

const OPENED = Symbol('opened');
const literals: [string, unknown][] = [
  ['true', true],
  ['false', false],
  ['null', null],
];

function setOwn(target: Record<string, unknown>, key: string, value: unknown) {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** Whether two JSON number texts denote the same decimal value (`1.50` and `1.5e0` do). */
function sameDecimal(a: string, b: string): boolean {
  return decimalKey(a) === decimalKey(b);
}

function decimalKey(token: string): string {
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(token);
  if (!match) return token;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const digits = `${whole}${fraction}`;
  const leading = digits.length - digits.replace(/^0+/, '').length;
  const significant = digits.slice(leading).replace(/0+$/, '');
  if (significant === '') return '0';
  const scale = Number(exponent) + whole.length - leading;
  return `${sign}${significant}e${scale}`;
}

/** JSON.stringify without recursion, so that no depth can overflow the stack. */
export function jsonText(value: unknown): string {
  let out = '';
  const pending: unknown[] = [value];
  const separator = Symbol();
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'symbol') {
      out += next === separator ? ',' : (next.description ?? '');
      continue;
    }
    if (Array.isArray(next) || isPlainObject(next)) {
      const entries = Array.isArray(next)
        ? next.map((item) => [undefined, item] as const)
        : Object.keys(next).map((key) => [key, next[key]] as const);
      const [open, close] = Array.isArray(next) ? ['[', ']'] : ['{', '}'];
      out += open;
      pending.push(Symbol(close));
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i] ?? [];
        pending.push(item === undefined ? null : item);
        if (key !== undefined) pending.push(Symbol(`${JSON.stringify(key)}:`));
        if (i > 0) pending.push(separator);
      }
      continue;
    }
    out += typeof next === 'number' && !Number.isFinite(next) ? 'null' : (JSON.stringify(next) ?? 'null');
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
