import { describe, expect, test } from 'vitest';
import { TextTail } from './tail.js';

describe('TextTail', () => {
  test('keeps the last lines only', () => {
    const tail = new TextTail(3);
    for (let index = 1; index <= 100; index++) {
      tail.push(`line ${index}\n`);
    }
    expect(tail.text()).toBe('line 98\nline 99\nline 100');
  });

  test('lines cut across chunks, \\r as a line end, the unterminated last line kept', () => {
    const tail = new TextTail(10);
    const text = 'Input #0, lavfi\r\nframe=    1 fps=0.0\rframe=   10 fps=0.0\nError opening output file';
    const bytes = new TextEncoder().encode(text);
    for (let offset = 0; offset < bytes.length; offset += 3) {
      tail.push(bytes.subarray(offset, offset + 3));
    }
    expect(tail.text()).toBe('Input #0, lavfi\nframe=    1 fps=0.0\nframe=   10 fps=0.0\nError opening output file');
  });

  test('an endless line is cut, memory bounded', () => {
    const tail = new TextTail(2, 50);
    for (let index = 0; index < 1000; index++) {
      tail.push('y'.repeat(1000));
    }
    tail.push('\nlast\n');
    expect(tail.text()).toBe(`${'y'.repeat(50)}…\nlast`);
  });
});
