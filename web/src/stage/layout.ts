/**
 * Stage layouts: where each participant's tile goes on the stage canvas. Pure: the visible participants, the
 * canvas size and the layout choice in; rectangles (canvas pixels, integers, the tile's aspect kept) out.
 *
 * - grid: every visible participant at the largest equal size that fits; rows centred, the last one too.
 * - speaker: the focus large on top, the others in a filmstrip along the bottom.
 * - pip: the focus fills the stage, the others small over its bottom-right corner.
 * The focus is the pinned participant, else the active speaker, else the first visible one.
 */
export type Rect = { x: number; y: number; width: number; height: number };
export type StageLayoutKind = 'grid' | 'speaker' | 'pip';
export const STAGE_LAYOUT_KINDS: readonly StageLayoutKind[] = ['grid', 'speaker', 'pip'];

export type StageLayoutInput = {
  kind: StageLayoutKind;
  canvas: { width: number; height: number };
  /** Visible participants (present now and not hidden), in tile-map order. */
  participantIds: readonly string[];
  focusId: string | null;
  /** Width / height of a source tile. */
  tileAspect: number;
  gapPx?: number;
};

export type Placement = { participantId: string; rect: Rect; z: number; focused: boolean };

const DEFAULT_GAP_PX = 8;
/** Share of the canvas height the speaker layout's filmstrip takes. */
const FILMSTRIP_SHARE = 0.22;
/** Width of a pip overlay tile, as a share of the canvas width. */
const PIP_SHARE = 0.22;

/** The largest rectangle of `aspect` inside `box`, centred. */
export const fitRect = (aspect: number, box: Rect): Rect => {
  const width = Math.min(box.width, box.height * aspect);
  const height = width / aspect;
  return roundRect({ x: box.x + (box.width - width) / 2, y: box.y + (box.height - height) / 2, width, height });
};

const roundRect = (rect: Rect): Rect => {
  const x = Math.round(rect.x);
  const y = Math.round(rect.y);
  return { x, y, width: Math.max(0, Math.round(rect.x + rect.width) - x), height: Math.max(0, Math.round(rect.y + rect.height) - y) };
};

/** The column count that gives `count` tiles of `aspect` the largest size in `box`, and that size. */
export const bestGrid = (count: number, aspect: number, box: { width: number; height: number }, gapPx: number): { columns: number; rows: number; tileWidth: number } => {
  let best = { columns: 1, rows: count, tileWidth: 0 };
  for (let columns = 1; columns <= count; columns += 1) {
    const rows = Math.ceil(count / columns);
    const cellWidth = (box.width - gapPx * (columns - 1)) / columns;
    const cellHeight = (box.height - gapPx * (rows - 1)) / rows;
    const tileWidth = Math.max(0, Math.min(cellWidth, cellHeight * aspect));
    if (tileWidth > best.tileWidth) {
      best = { columns, rows, tileWidth };
    }
  }
  return best;
};

/** `ids` in a centred grid inside `box`. */
const gridIn = (ids: readonly string[], aspect: number, box: Rect, gapPx: number): Rect[] => {
  const { columns, rows, tileWidth } = bestGrid(ids.length, aspect, box, gapPx);
  const tileHeight = tileWidth / aspect;
  const blockHeight = rows * tileHeight + (rows - 1) * gapPx;
  const top = box.y + (box.height - blockHeight) / 2;
  return ids.map((_, index) => {
    const row = Math.floor(index / columns);
    const inRow = row === rows - 1 ? ids.length - row * columns : columns;
    const rowWidth = inRow * tileWidth + (inRow - 1) * gapPx;
    const left = box.x + (box.width - rowWidth) / 2;
    return roundRect({ x: left + (index % columns) * (tileWidth + gapPx), y: top + row * (tileHeight + gapPx), width: tileWidth, height: tileHeight });
  });
};

/** `ids` in one centred row inside `box`, as large as the row allows. */
const rowIn = (ids: readonly string[], aspect: number, box: Rect, gapPx: number): Rect[] => {
  const tileWidth = Math.max(0, Math.min(box.height * aspect, (box.width - gapPx * (ids.length - 1)) / ids.length));
  const tileHeight = tileWidth / aspect;
  const rowWidth = ids.length * tileWidth + (ids.length - 1) * gapPx;
  const left = box.x + (box.width - rowWidth) / 2;
  const top = box.y + (box.height - tileHeight) / 2;
  return ids.map((_, index) => roundRect({ x: left + index * (tileWidth + gapPx), y: top, width: tileWidth, height: tileHeight }));
};

export const computeStageLayout = (input: StageLayoutInput): Placement[] => {
  const { kind, canvas, participantIds, tileAspect } = input;
  const gapPx = input.gapPx ?? DEFAULT_GAP_PX;
  if (participantIds.length === 0 || canvas.width <= 0 || canvas.height <= 0 || !(tileAspect > 0)) {
    return [];
  }
  const inner: Rect = { x: gapPx, y: gapPx, width: canvas.width - 2 * gapPx, height: canvas.height - 2 * gapPx };
  const focusId = input.focusId !== null && participantIds.includes(input.focusId) ? input.focusId : participantIds[0]!;
  const others = participantIds.filter((id) => id !== focusId);

  if (kind === 'grid' || participantIds.length === 1) {
    return gridIn(participantIds, tileAspect, inner, gapPx).map((rect, index) => ({
      participantId: participantIds[index]!,
      rect,
      z: 0,
      focused: participantIds.length === 1 || (input.focusId !== null && participantIds[index] === focusId),
    }));
  }
  if (kind === 'speaker') {
    const stripHeight = Math.round(inner.height * FILMSTRIP_SHARE);
    const main: Rect = { ...inner, height: inner.height - stripHeight - gapPx };
    const strip: Rect = { x: inner.x, y: inner.y + inner.height - stripHeight, width: inner.width, height: stripHeight };
    return [
      { participantId: focusId, rect: fitRect(tileAspect, main), z: 0, focused: true },
      ...rowIn(others, tileAspect, strip, gapPx).map((rect, index) => ({ participantId: others[index]!, rect, z: 0, focused: false })),
    ];
  }
  // pip: the others side by side, right to left, over the focus's bottom-right corner.
  const main = fitRect(tileAspect, inner);
  const area: Rect = { x: main.x + gapPx, y: main.y + gapPx, width: main.width - 2 * gapPx, height: main.height - 2 * gapPx };
  const tileWidth = Math.max(0, Math.min(main.width * PIP_SHARE, (area.width - gapPx * (others.length - 1)) / others.length));
  const tileHeight = tileWidth / tileAspect;
  return [
    { participantId: focusId, rect: main, z: 0, focused: true },
    ...others.map((participantId, index) => ({
      participantId,
      rect: roundRect({ x: area.x + area.width - (index + 1) * tileWidth - index * gapPx, y: area.y + area.height - tileHeight, width: tileWidth, height: tileHeight }),
      z: 1,
      focused: false,
    })),
  ];
};
