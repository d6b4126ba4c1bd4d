import { DTYPE_SIZE, OTHER_SPEC_DTYPES, type SafetensorsDType, isSupported } from './dtypes.js';
import { findDuplicateKey } from './duplicate-keys.js';
import { setOwn } from './encode.js';
import { CheckpointError } from './errors.js';

/** One validated header entry. */
export interface HeaderEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

/** A validated header: entries sorted by offset, and the metadata map. */
export interface ParsedHeader {
  entries: HeaderEntry[];
  metadata: Record<string, string>;
}

const ENTRY_KEYS = ['data_offsets', 'dtype', 'shape'];

/**
 * Parses and validates the JSON header against a data buffer of `dataLength` bytes: an object,
 * no duplicate keys, string metadata, known dtypes, integer shapes and offsets, offsets that tile
 * the buffer exactly (no holes, no overlaps, ending at its length), and byte counts that match
 * the shapes.
 */
export function parseHeader(text: string, dataLength: number): ParsedHeader {
  if (!text.startsWith('{'))
    throw new CheckpointError('header-json', `header must start with "{", got ${JSON.stringify(text.slice(0, 8))}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError('header-json', `header is not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (!isPlainObject(parsed)) throw new CheckpointError('header-json', 'header must be a JSON object');
  const dup = findDuplicateKey(text);
  if (dup !== undefined)
    throw new CheckpointError(
      'duplicate-key',
      `header repeats the key "${dup.key}"${dup.path === '' ? '' : ` inside "${dup.path}"`}`,
    );
  let metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (name === '__metadata__') metadata = parseMetadata(value);
    else entries.push(parseEntry(name, value));
  }
  checkLayout(entries, dataLength);
  return { entries, metadata };
}

function parseMetadata(value: unknown): Record<string, string> {
  if (value === null) return {}; // the reference reader treats null as no metadata
  if (!isPlainObject(value)) throw new CheckpointError('metadata', '"__metadata__" must be an object of strings');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string')
      throw new CheckpointError(
        'metadata',
        `metadata "${k}" must be a string, got ${v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v}`,
      );
    setOwn(out, k, v);
  }
  return out;
}

function parseEntry(name: string, value: unknown): HeaderEntry {
  if (!isPlainObject(value))
    throw new CheckpointError('entry', `tensor "${name}" must be an object with dtype, shape and data_offsets`);
  const keys = Object.keys(value).sort();
  if (keys.join() !== ENTRY_KEYS.join()) {
    throw new CheckpointError(
      'entry',
      `tensor "${name}" has keys [${keys.join(', ')}], expected exactly [dtype, shape, data_offsets]`,
    );
  }
  const { dtype, shape, data_offsets: offsets } = value as { dtype: unknown; shape: unknown; data_offsets: unknown };
  if (typeof dtype !== 'string')
    throw new CheckpointError('dtype', `tensor "${name}" dtype must be a string, got ${typeof dtype}`);
  if (!isSupported(dtype)) {
    const why = OTHER_SPEC_DTYPES.has(dtype) ? 'is not supported by chainrule' : 'is unknown';
    throw new CheckpointError(
      'dtype',
      `tensor "${name}" dtype "${dtype}" ${why} (expected one of ${Object.keys(DTYPE_SIZE).join(', ')})`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new CheckpointError(
      'shape',
      `tensor "${name}" shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    throw new CheckpointError(
      'offsets',
      `tensor "${name}" data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`,
    );
  }
  return { name, dtype, shape: shape as number[], begin: offsets[0] as number, end: offsets[1] as number };
}

/** Sorts entries by offset and checks that they tile [0, dataLength) and match their shapes. */
function checkLayout(entries: HeaderEntry[], dataLength: number): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let previous = '';
  for (const e of entries) {
    if (e.begin > at)
      throw new CheckpointError(
        'offsets',
        `hole in the data: bytes [${at}, ${e.begin}) before tensor "${e.name}" belong to no tensor`,
      );
    if (e.begin < at)
      throw new CheckpointError(
        'offsets',
        `tensor "${e.name}" starts at byte ${e.begin}, overlapping "${previous}" which ends at ${at}`,
      );
    let count = 1;
    for (const d of e.shape) count *= d;
    const expected = count * DTYPE_SIZE[e.dtype];
    if (!Number.isSafeInteger(expected) || e.end - e.begin !== expected) {
      throw new CheckpointError(
        'byte-count',
        `tensor "${e.name}" has ${e.end - e.begin} bytes, ` +
          `expected ${expected} (shape [${e.shape.join(',')}] × ${DTYPE_SIZE[e.dtype]} bytes of ${e.dtype})`,
      );
    }
    at = e.end;
    previous = e.name;
  }
  if (at !== dataLength) {
    throw new CheckpointError('offsets', `the tensors cover ${at} bytes but the data buffer has ${dataLength}`);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
