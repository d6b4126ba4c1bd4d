/**
 * Finds a key that appears twice in one JSON object of `text`, which must already be valid JSON
 * (JSON.parse silently keeps the last duplicate). Keys are compared after unescaping, so "a" and
 * "\u0061" are the same key. Returns the first duplicate with its path, or undefined.
 */
export function findDuplicateKey(text: string): { key: string; path: string } | undefined {
  interface Frame {
    isObject: boolean;
    keys: Set<string>;
    expectKey: boolean;
    name: string;
  }
  const stack: Frame[] = [];
  let lastKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      for (i++; text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
      const top = stack[stack.length - 1];
      if (top?.isObject && top.expectKey) {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        if (top.keys.has(key))
          return {
            key,
            path: stack
              .map((f) => f.name)
              .filter((n) => n !== '')
              .join('.'),
          };
        top.keys.add(key);
        top.expectKey = false;
        lastKey = key;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const parent = stack[stack.length - 1];
      stack.push({
        isObject: c === 0x7b,
        keys: new Set(),
        expectKey: c === 0x7b,
        name: parent?.isObject ? lastKey : '',
      });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.isObject) top.expectKey = true;
    }
  }
  return undefined;
}
