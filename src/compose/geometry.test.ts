import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { containsRect, fitAspect, insetRect, snapInward } from './geometry.js';

describe('fitAspect', () => {
  const cases = [
    { name: 'a 16:9 video in a wide cell is pillarboxed and centred', cell: { x: 8, y: 8, width: 1264, height: 556 }, aspect: 16 / 9, expected: { x: 146, y: 8, width: 988, height: 556 } },
    { name: 'a 16:9 video in a tall cell is letterboxed and centred', cell: { x: 8, y: 8, width: 628, height: 704 }, aspect: 16 / 9, expected: { x: 8, y: 182, width: 628, height: 354 } },
    { name: 'an exact fit fills the cell', cell: { x: 0, y: 0, width: 640, height: 360 }, aspect: 16 / 9, expected: { x: 0, y: 0, width: 640, height: 360 } },
    { name: 'a portrait phone video stands in the middle (405 rounds to 406)', cell: { x: 0, y: 0, width: 1280, height: 720 }, aspect: 9 / 16, expected: { x: 436, y: 0, width: 406, height: 720 } },
    { name: 'sizes round to even pixels (625.78 → 626), never past the cell', cell: { x: 0, y: 0, width: 1264, height: 352 }, aspect: 16 / 9, expected: { x: 318, y: 0, width: 626, height: 352 } },
    { name: 'an empty cell gives an empty box', cell: { x: 4, y: 4, width: 0, height: 0 }, aspect: 16 / 9, expected: { x: 4, y: 4, width: 0, height: 0 } },
  ];
  test.each(cases)('$name', ({ cell, aspect, expected }) => {
    expect(fitAspect(cell, aspect)).toEqual(expected);
  });

  test('always even, inside the cell, and touching two opposite sides', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0.2, max: 5, noNaN: true }), (x, y, w, h, aspect) => {
        const cell = snapInward(x, y, x + w, y + h);
        const box = fitAspect(cell, aspect);
        expect([box.x, box.y, box.width, box.height].every((value) => Number.isInteger(value) && value % 2 === 0)).toBe(true);
        expect(containsRect(cell, box)).toBe(true);
        expect(box.width === cell.width || box.height === cell.height).toBe(true);
      }),
    );
  });
});

describe('snapInward and insetRect', () => {
  const cases = [
    { name: 'odd edges move inwards to even pixels', got: snapInward(3, 5, 101, 99), expected: { x: 4, y: 6, width: 96, height: 92 } },
    { name: 'a rectangle narrower than 2 pixels is empty', got: snapInward(3, 3, 4.5, 10), expected: { x: 4, y: 4, width: 0, height: 6 } },
    { name: 'insetting by an odd padding still lands on even pixels', got: insetRect({ x: 0, y: 0, width: 100, height: 50 }, 5), expected: { x: 6, y: 6, width: 88, height: 38 } },
  ];
  test.each(cases)('$name', ({ got, expected }) => {
    expect(got).toEqual(expected);
  });
});
