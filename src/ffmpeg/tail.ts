/**
 * The last lines of a process's stderr, kept in bounded memory however much it writes (an hour-long encode at
 * `-loglevel verbose` writes megabytes). `\r` counts as a line end too (ffmpeg redraws its stats line with it).
 * Pure.
 */
export class TextTail {
  private readonly decoder = new TextDecoder();
  private readonly lines: string[] = [];
  private partial = '';
  private partialCut = false;

  constructor(
    private readonly maxLines = 40,
    private readonly maxLineChars = 1000,
  ) {}

  push(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    let start = 0;
    for (;;) {
      const end = nextLineEnd(text, start);
      if (end === -1) {
        this.appendPartial(text.slice(start));
        return;
      }
      this.appendPartial(text.slice(start, end));
      this.closeLine();
      start = end + 1;
    }
  }

  /** The kept lines, oldest first, without empty ones, joined with `\n`. */
  text(): string {
    const lines = this.partial.length > 0 ? [...this.lines, this.partial] : this.lines;
    return lines
      .filter((line) => line.trim().length > 0)
      .slice(-this.maxLines)
      .join('\n');
  }

  private appendPartial(text: string): void {
    if (this.partialCut) {
      return;
    }
    const room = this.maxLineChars - this.partial.length;
    if (text.length > room) {
      this.partial += text.slice(0, room) + '…';
      this.partialCut = true;
    } else {
      this.partial += text;
    }
  }

  private closeLine(): void {
    if (this.partial.trim().length > 0) {
      this.lines.push(this.partial);
      if (this.lines.length > this.maxLines) {
        this.lines.shift();
      }
    }
    this.partial = '';
    this.partialCut = false;
  }
}

const nextLineEnd = (text: string, start: number): number => {
  const newline = text.indexOf('\n', start);
  const carriage = text.indexOf('\r', start);
  if (newline === -1) {
    return carriage;
  }
  return carriage === -1 ? newline : Math.min(newline, carriage);
};
