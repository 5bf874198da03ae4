/**
 * Validation at the edge: layout files (`--layout <file.json>`) and canvases. Every problem throws a RepriseError
 * LAYOUT_INVALID whose message and `details.field` name the bad field, e.g. `regions[1].maxRows`.
 */
import { RepriseError } from '../shared/errors.js';
import type { Canvas, CustomRegion, LayoutSpec } from './layout-types.js';

type JsonObject = Record<string, unknown>;

const show = (value: unknown): string => {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** `got` is the offending value, shown when given (even when it is undefined). */
function fail(field: string, problem: string, ...got: [] | [unknown]): never {
  const shown = got.length === 0 ? '' : `, got ${show(got[0])}`;
  throw new RepriseError('LAYOUT_INVALID', `Invalid layout: ${field === '' ? 'the layout' : field} ${problem}${shown}`, {
    details: { field: field === '' ? null : field },
  });
}

/** Twilio's `video_layout` names, so a pasted Twilio region gets a helpful message. */
const TWILIO_NAMES: Record<string, string> = {
  x_pos: 'x',
  y_pos: 'y',
  z_pos: 'z',
  max_columns: 'maxColumns',
  max_rows: 'maxRows',
  cells_excluded: 'cellsExcluded',
  video_sources: 'sources',
  video_sources_excluded: 'sourcesExcluded',
};

const at = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);

function readObject(value: unknown, field: string, known: readonly string[]): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(field, 'must be an object', value);
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const hint = TWILIO_NAMES[key] === undefined ? '' : ` (did you mean ${TWILIO_NAMES[key]}?)`;
      fail(at(field, key), `is not a known field${hint}; known: ${known.join(', ')}`);
    }
  }
  return value as JsonObject;
}

function readInteger(object: JsonObject, key: string, parent: string, min: number): number | undefined {
  const value = object[key];
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    return fail(at(parent, key), min === 0 ? 'must be an integer ≥ 0' : min === 1 ? 'must be a positive integer' : `must be an integer ≥ ${min}`, value);
  }
  return value;
}

function readText(object: JsonObject, key: string, parent: string): string | undefined {
  const value = object[key];
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    return fail(at(parent, key), 'must be a non-empty string', value);
  }
  return value as string | undefined;
}

function readChoice<T extends string>(object: JsonObject, key: string, parent: string, choices: readonly T[]): T | undefined {
  const value = object[key];
  if (value !== undefined && !choices.includes(value as T)) {
    return fail(at(parent, key), `must be one of ${choices.map((choice) => `'${choice}'`).join(', ')}`, value);
  }
  return value as T | undefined;
}

function readList<T>(object: JsonObject, key: string, parent: string, check: (item: unknown) => item is T, what: string): T[] | undefined {
  const value = object[key];
  if (value === undefined) {
    return undefined;
  }
  if (!Array.isArray(value)) {
    return fail(at(parent, key), `must be an array of ${what}`, value);
  }
  value.forEach((item, index) => {
    if (!check(item)) {
      fail(`${at(parent, key)}[${index}]`, `must be ${what}`, item);
    }
  });
  return value as T[];
}

const isSource = (item: unknown): item is string => typeof item === 'string' && item !== '';
const isCellIndex = (item: unknown): item is number => typeof item === 'number' && Number.isInteger(item) && item >= 0;

const REGION_FIELDS = ['name', 'x', 'y', 'width', 'height', 'z', 'maxColumns', 'maxRows', 'cellsExcluded', 'reuse', 'sources', 'sourcesExcluded'];

function required<T>(value: T | undefined, field: string, what: string): T {
  return value === undefined ? fail(field, `is required (${what})`) : value;
}

function parseRegion(value: unknown, field: string): CustomRegion {
  const object = readObject(value, field, REGION_FIELDS);
  const region: CustomRegion = {
    name: required(readText(object, 'name', field), at(field, 'name'), 'a non-empty string'),
    x: required(readInteger(object, 'x', field, 0), at(field, 'x'), 'an integer ≥ 0'),
    y: required(readInteger(object, 'y', field, 0), at(field, 'y'), 'an integer ≥ 0'),
    width: required(readInteger(object, 'width', field, 1), at(field, 'width'), 'a positive integer'),
    height: required(readInteger(object, 'height', field, 1), at(field, 'height'), 'a positive integer'),
    z: readInteger(object, 'z', field, Number.MIN_SAFE_INTEGER) ?? 0,
    sources: required(readList(object, 'sources', field, isSource, 'non-empty strings'), at(field, 'sources'), "e.g. ['*']"),
  };
  if (region.sources.length === 0) {
    fail(at(field, 'sources'), "must list at least one source ('*', 'screen', 'speaker' or participant ids)", region.sources);
  }
  const optional: Partial<CustomRegion> = {
    maxColumns: readInteger(object, 'maxColumns', field, 1),
    maxRows: readInteger(object, 'maxRows', field, 1),
    cellsExcluded: readList(object, 'cellsExcluded', field, isCellIndex, 'cell indexes (integers ≥ 0)'),
    reuse: readChoice(object, 'reuse', field, ['none', 'show_oldest', 'show_newest'] as const),
    sourcesExcluded: readList(object, 'sourcesExcluded', field, isSource, 'non-empty strings'),
  };
  for (const [key, entry] of Object.entries(optional)) {
    if (entry !== undefined) {
      Object.assign(region, { [key]: entry });
    }
  }
  checkCellsExcluded(region, field);
  return region;
}

function checkCellsExcluded(region: CustomRegion, field: string): void {
  const excluded = region.cellsExcluded ?? [];
  if (excluded.length === 0) {
    return;
  }
  if (region.maxColumns === undefined || region.maxRows === undefined) {
    fail(at(field, 'cellsExcluded'), 'needs maxColumns and maxRows (cells are numbered in that fixed grid)');
  }
  const cells = (region.maxColumns ?? 0) * (region.maxRows ?? 0);
  excluded.forEach((index, position) => {
    if (index >= cells) {
      fail(`${at(field, 'cellsExcluded')}[${position}]`, `must be below ${cells} (maxColumns × maxRows)`, index);
    }
  });
  if (new Set(excluded).size >= cells) {
    fail(at(field, 'cellsExcluded'), 'excludes every cell', excluded);
  }
}

function parseRegions(value: unknown): CustomRegion[] {
  if (!Array.isArray(value) || value.length === 0) {
    return fail('regions', 'must be a non-empty array of regions', value);
  }
  const regions = value.map((item, index) => parseRegion(item, `regions[${index}]`));
  regions.forEach((region, index) => {
    if (regions.findIndex((other) => other.name === region.name) !== index) {
      fail(`regions[${index}].name`, 'must be unique', region.name);
    }
  });
  return regions;
}

/** Drops undefined optional fields, so the spec serializes the same however it was written. */
const compact = <T extends object>(spec: T): T => Object.fromEntries(Object.entries(spec).filter(([, value]) => value !== undefined)) as T;

const LAYOUT_TYPES = ['grid', 'speaker', 'pip', 'presentation', 'custom'] as const;

/**
 * A layout file: any LayoutSpec. `type` may be left out when `regions` is given (a custom layout). Custom regions
 * use our field names (x, y, z, maxColumns, …); Twilio's (x_pos, max_rows, …) are refused with a hint.
 */
export function parseCustomLayout(json: unknown): LayoutSpec {
  const probe = readObject(json, '', ['type', 'regions', 'holdMs', 'strip', 'mainParticipantId', 'insetParticipantId', 'corner', 'participantId']);
  const type = probe['type'] === undefined && probe['regions'] !== undefined ? 'custom' : probe['type'];
  if (!LAYOUT_TYPES.includes(type as LayoutSpec['type'])) {
    return fail('type', `must be one of ${LAYOUT_TYPES.map((name) => `'${name}'`).join(', ')}`, type);
  }
  const strips = ['bottom', 'right'] as const;
  switch (type as LayoutSpec['type']) {
    case 'grid':
      readObject(json, '', ['type']);
      return { type: 'grid' };
    case 'speaker': {
      const object = readObject(json, '', ['type', 'holdMs', 'strip']);
      const holdMs = object['holdMs'];
      if (holdMs !== undefined && (typeof holdMs !== 'number' || !Number.isFinite(holdMs) || holdMs < 0)) {
        fail('holdMs', 'must be a number of milliseconds ≥ 0', holdMs);
      }
      return compact({ type: 'speaker', holdMs: holdMs as number | undefined, strip: readChoice(object, 'strip', '', strips) });
    }
    case 'pip': {
      const object = readObject(json, '', ['type', 'mainParticipantId', 'insetParticipantId', 'corner']);
      return compact({
        type: 'pip',
        mainParticipantId: readText(object, 'mainParticipantId', ''),
        insetParticipantId: readText(object, 'insetParticipantId', ''),
        corner: readChoice(object, 'corner', '', ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const),
      });
    }
    case 'presentation': {
      const object = readObject(json, '', ['type', 'participantId', 'strip']);
      return compact({ type: 'presentation', participantId: readText(object, 'participantId', ''), strip: readChoice(object, 'strip', '', strips) });
    }
    case 'custom': {
      const object = readObject(json, '', ['type', 'regions']);
      return { type: 'custom', regions: parseRegions(object['regions']) };
    }
  }
}

/** Throws LAYOUT_INVALID unless the canvas is even-sized and leaves room inside its padding. */
export function validateCanvas(canvas: Canvas): void {
  for (const key of ['width', 'height'] as const) {
    const value = canvas[key];
    if (!Number.isInteger(value) || value < 16 || value % 2 !== 0) {
      fail(`canvas.${key}`, 'must be an even integer ≥ 16 (video encoders need even sizes)', value);
    }
  }
  if (!Number.isInteger(canvas.padding) || canvas.padding < 0 || canvas.padding * 4 > Math.min(canvas.width, canvas.height)) {
    fail('canvas.padding', 'must be an integer from 0 to a quarter of the smaller side', canvas.padding);
  }
}
