/** One colour per participant, in tile-map order, for lanes, panel and labels. */
const PALETTE = ['#5b8cff', '#f5a524', '#2fc98d', '#ef5da8', '#a78bfa', '#38bdf8', '#f87171', '#facc15', '#34d399', '#fb923c'];

export const participantColor = (index: number): string => PALETTE[index % PALETTE.length]!;
