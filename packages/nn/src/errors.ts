/** One key whose value does not fit the model. */
export interface StateDictMismatch {
  key: string;
  detail: string;
}

/**
 * A state dict that does not fit the model. It lists every problem at once (missing keys,
 * unexpected keys, shape and dtype mismatches); nothing was loaded.
 */
export class StateDictError extends Error {
  override readonly name = 'StateDictError';
  constructor(
    readonly moduleName: string,
    readonly missingKeys: readonly string[],
    readonly unexpectedKeys: readonly string[],
    readonly mismatches: readonly StateDictMismatch[],
  ) {
    const parts: string[] = [];
    if (missingKeys.length > 0) parts.push(`missing key(s): ${missingKeys.map((k) => `"${k}"`).join(', ')}`);
    if (unexpectedKeys.length > 0) parts.push(`unexpected key(s): ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}`);
    for (const m of mismatches) parts.push(`"${m.key}": ${m.detail}`);
    super(`loadStateDict: cannot load into ${moduleName} (nothing was loaded): ${parts.join('; ')}`);
  }
}

/** Wrong use of a module, a layer's configuration or an optimizer (the op is named first). */
export class ModuleError extends Error {
  override readonly name = 'ModuleError';
  constructor(
    readonly op: string,
    detail: string,
  ) {
    super(`${op}: ${detail}`);
  }
}
