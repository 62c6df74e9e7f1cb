/**
 * A strict JSON parser for file headers: RFC 8259 grammar, objects kept as ordered `Map`s (so a
 * key such as `__proto__` is an ordinary key), duplicate keys refused (`JSON.parse` silently keeps
 * the last one), nesting depth bounded. Errors give the character position in the text.
 */

export type Json = null | boolean | number | string | Json[] | JsonObject;
export type JsonObject = Map<string, Json>;

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
    /** The repeated key, when that is the problem. */
    readonly duplicate?: string,
  ) {
    super(`${message} at character ${position}`);
  }
}

const MAX_DEPTH = 64;

export function parseStrictJson(text: string): Json {
  let i = 0;
  const fail = (msg: string, at = i, duplicate?: string): never => {
    throw new JsonSyntaxError(msg, at, duplicate);
  };
  const ws = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else return;
    }
  };
  const value = (depth: number): Json => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
    ws();
    const c = text[i];
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const)
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    return fail(c === undefined ? 'unexpected end of text' : `unexpected character ${JSON.stringify(c)}`);
  };
  const object = (depth: number): JsonObject => {
    const out: JsonObject = new Map();
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') fail('expected a string key');
      const at = i;
      const k = string();
      if (out.has(k)) fail(`duplicate key ${JSON.stringify(k)}`, at, k);
      ws();
      if (text[i] !== ':') fail("expected ':'");
      i++;
      out.set(k, value(depth + 1));
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === '}') {
        i++;
        return out;
      } else fail("expected ',' or '}'");
    }
  };
  const array = (depth: number): Json[] => {
    const out: Json[] = [];
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      out.push(value(depth + 1));
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === ']') {
        i++;
        return out;
      } else fail("expected ',' or ']'");
    }
  };
  const string = (): string => {
    const start = ++i;
    let out = '';
    let run = start;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) fail('unterminated string', start - 1);
      if (c === 0x22) {
        out += text.slice(run, i++);
        return out;
      }
      if (c < 0x20) fail('control character in string');
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(run, i);
      const e = text[i + 1];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e !== undefined && e in simple) {
        out += simple[e];
        i += 2;
      } else if (e === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else fail('bad escape');
      run = i;
    }
  };
  const number = (): number => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail('bad number');
    i += m[0].length;
    return Number(m[0]);
  };
  const v = value(0);
  ws();
  if (i !== text.length) fail('unexpected text after the JSON value');
  return v;
}
