/**
 * Nesting and array limits for JSON bodies, checked on the raw bytes before JSON.parse (body-parser's
 * `verify`), so class-transformer and class-validator, which recurse, only ever see shallow documents.
 * No route's body nests beyond a few levels, and the largest legitimate array is a roster of 5,000 rows.
 */
export const MAX_JSON_DEPTH = 32;
export const MAX_JSON_ARRAY_ITEMS = 10_000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** Thrown from the parser's `verify`; the problem filter answers it 400 naming `body`. */
export class JsonShapeError extends Error {
  override readonly name = 'JsonShapeError';
  readonly status = 400;
  readonly expose = true;
  readonly type = 'entity.verify.failed';
}

/**
 * One linear pass over the bytes, outside strings: the depth of `[`/`{`, and commas per open array. Malformed
 * JSON is left to JSON.parse, which reports it; this only refuses what would parse into too much.
 */
export function checkJsonShape(raw: Buffer): void {
  const itemsAt: number[] = [];
  const isArrayAt: boolean[] = [];
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    if (byte === QUOTE) inString = true;
    else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (itemsAt.length >= MAX_JSON_DEPTH)
        throw new JsonShapeError(`The JSON body nests deeper than ${MAX_JSON_DEPTH} levels.`);
      itemsAt.push(1);
      isArrayAt.push(byte === OPEN_ARRAY);
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      itemsAt.pop();
      isArrayAt.pop();
    } else if (byte === COMMA && isArrayAt[isArrayAt.length - 1]) {
      const items = ++itemsAt[itemsAt.length - 1];
      if (items > MAX_JSON_ARRAY_ITEMS)
        throw new JsonShapeError(`A JSON array in the body has more than ${MAX_JSON_ARRAY_ITEMS} items.`);
    }
  }
}
