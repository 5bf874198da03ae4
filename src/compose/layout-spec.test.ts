import { describe, expect, test } from 'vitest';
import { RepriseError } from '../shared/errors.js';
import { parseCustomLayout, validateCanvas } from './layout-spec.js';
import type { Canvas } from './layout-types.js';

const stage = { name: 'stage', x: 0, y: 0, width: 960, height: 720, sources: ['speaker'] };

/** The error's code and field, or 'ok'. */
const outcome = (run: () => unknown): string => {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (!(error instanceof RepriseError)) {
      throw error;
    }
    // The message must name the field it blames, so a user can find it in their file.
    const field = error.details['field'];
    expect(error.message).toContain(typeof field === 'string' ? field : 'the layout');
    return `${error.code} ${String(field)}`;
  }
};

describe('parseCustomLayout', () => {
  const valid = [
    { name: 'a custom layout without type (regions given), z defaulting to 0', json: { regions: [stage] }, expected: { type: 'custom', regions: [{ ...stage, z: 0 }] } },
    {
      name: 'every region field',
      json: { type: 'custom', regions: [{ ...stage, z: 2, maxColumns: 3, maxRows: 3, cellsExcluded: [4], reuse: 'none', sourcesExcluded: ['10*'] }] },
      expected: { type: 'custom', regions: [{ ...stage, z: 2, maxColumns: 3, maxRows: 3, cellsExcluded: [4], reuse: 'none', sourcesExcluded: ['10*'] }] },
    },
    { name: 'a grid', json: { type: 'grid' }, expected: { type: 'grid' } },
    { name: 'a speaker layout with hold time and strip', json: { type: 'speaker', holdMs: 2000, strip: 'right' }, expected: { type: 'speaker', holdMs: 2000, strip: 'right' } },
    { name: 'a pip layout', json: { type: 'pip', mainParticipantId: '1001', corner: 'top-left' }, expected: { type: 'pip', mainParticipantId: '1001', corner: 'top-left' } },
    { name: 'a presentation layout', json: { type: 'presentation', participantId: '1002' }, expected: { type: 'presentation', participantId: '1002' } },
  ];
  test.each(valid)('accepts $name', ({ json, expected }) => {
    expect(parseCustomLayout(json)).toEqual(expected);
  });

  const region = (extra: Record<string, unknown>) => ({ regions: [{ ...stage, ...extra }] });
  const invalid = [
    { name: 'not an object', json: [1, 2], field: 'null' },
    { name: 'an unknown type', json: { type: 'mosaic' }, field: 'type' },
    { name: 'no type and no regions', json: {}, field: 'type' },
    { name: 'an empty region list', json: { regions: [] }, field: 'regions' },
    { name: 'a region that is not an object', json: { regions: ['stage'] }, field: 'regions[0]' },
    { name: 'a missing name', json: { regions: [{ x: 0, y: 0, width: 10, height: 10, sources: ['*'] }] }, field: 'regions[0].name' },
    { name: 'a negative x', json: region({ x: -5 }), field: 'regions[0].x' },
    { name: 'a zero width', json: region({ width: 0 }), field: 'regions[0].width' },
    { name: 'a fractional height', json: region({ height: 10.5 }), field: 'regions[0].height' },
    { name: 'a z given as text', json: region({ z: '1' }), field: 'regions[0].z' },
    { name: 'maxRows of 0', json: region({ maxRows: 0 }), field: 'regions[0].maxRows' },
    { name: "Twilio's max_rows (with a hint)", json: region({ max_rows: 2 }), field: 'regions[0].max_rows' },
    { name: 'cellsExcluded without a fixed grid', json: region({ cellsExcluded: [1] }), field: 'regions[0].cellsExcluded' },
    { name: 'a cell index outside the grid', json: region({ maxColumns: 2, maxRows: 2, cellsExcluded: [0, 4] }), field: 'regions[0].cellsExcluded[1]' },
    { name: 'every cell excluded', json: region({ maxColumns: 1, maxRows: 2, cellsExcluded: [0, 1] }), field: 'regions[0].cellsExcluded' },
    { name: 'an unknown reuse rule', json: region({ reuse: 'show_random' }), field: 'regions[0].reuse' },
    { name: 'no sources', json: region({ sources: [] }), field: 'regions[0].sources' },
    { name: 'a source that is not a string', json: region({ sources: ['*', 7] }), field: 'regions[0].sources[1]' },
    { name: 'sourcesExcluded that is not a list', json: region({ sourcesExcluded: 'screen' }), field: 'regions[0].sourcesExcluded' },
    { name: 'two regions with one name', json: { regions: [stage, { ...stage }] }, field: 'regions[1].name' },
    { name: 'regions on a grid layout', json: { type: 'grid', regions: [stage] }, field: 'regions' },
    { name: 'a negative hold time', json: { type: 'speaker', holdMs: -1 }, field: 'holdMs' },
    { name: 'an unknown strip side', json: { type: 'speaker', strip: 'top' }, field: 'strip' },
    { name: 'an unknown pip corner', json: { type: 'pip', corner: 'middle' }, field: 'corner' },
    { name: 'an empty presenter id', json: { type: 'presentation', participantId: '' }, field: 'participantId' },
  ];
  test.each(invalid)('refuses $name, naming the field', ({ json, field }) => {
    expect(outcome(() => parseCustomLayout(json))).toBe(`LAYOUT_INVALID ${field}`);
  });
});

describe('validateCanvas', () => {
  const canvas: Canvas = { width: 1280, height: 720, background: '#000000', padding: 8, labels: false };
  const cases = [
    { name: 'a 720p canvas is fine', canvas, expected: 'ok' },
    { name: 'an odd width is refused', canvas: { ...canvas, width: 1281 }, expected: 'LAYOUT_INVALID canvas.width' },
    { name: 'a tiny height is refused', canvas: { ...canvas, height: 8 }, expected: 'LAYOUT_INVALID canvas.height' },
    { name: 'a negative padding is refused', canvas: { ...canvas, padding: -2 }, expected: 'LAYOUT_INVALID canvas.padding' },
    { name: 'a padding eating the canvas is refused', canvas: { ...canvas, padding: 200 }, expected: 'LAYOUT_INVALID canvas.padding' },
  ];
  test.each(cases)('$name', ({ canvas: input, expected }) => {
    expect(outcome(() => validateCanvas(input))).toBe(expected);
  });
});
