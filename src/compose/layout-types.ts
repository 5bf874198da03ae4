/**
 * The layout engine's contract (pure): a session manifest, a canvas and a layout spec in; a timeline of
 * intervals out, each with the regions where participants are drawn. Written as JSON by `--layout-out`.
 */

export type Canvas = {
  width: number;
  height: number;
  /** CSS-style hex colour, e.g. "#1e1e1e". */
  background: string;
  /** Pixels between tiles and around the edge. */
  padding: number;
  /** Draw participants' names on their tiles. */
  labels: boolean;
};

/**
 * Custom regions in the spirit of Twilio's `video_layout`: each region is an area of the canvas that shows the
 * listed sources, tiled in a grid of at most `maxColumns` × `maxRows` cells.
 */
export type CustomRegion = {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
  z: number;
  maxColumns?: number;
  maxRows?: number;
  /** Cell indexes (row-major) left empty. */
  cellsExcluded?: number[];
  /** When more sources than cells: 'none' shows the first ones that fit and never changes them; 'show_oldest' keeps those that joined first; 'show_newest' those that joined last. */
  reuse?: 'none' | 'show_oldest' | 'show_newest';
  /** Participant ids, '*' for everyone, 'screen' for screen-share tracks, 'speaker' for the active speaker. */
  sources: string[];
  sourcesExcluded?: string[];
};

export type LayoutSpec =
  | { type: 'grid' }
  /** The active speaker large, the others in a strip; a switch needs the new speaker to hold the floor `holdMs`. */
  | { type: 'speaker'; holdMs?: number; strip?: 'bottom' | 'right' }
  /** One participant full canvas, another small in a corner. */
  | { type: 'pip'; mainParticipantId?: string; insetParticipantId?: string; corner?: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right' }
  /** A chosen participant (or the one sharing a screen) large, the others in a strip. */
  | { type: 'presentation'; participantId?: string; strip?: 'bottom' | 'right' }
  | { type: 'custom'; regions: CustomRegion[] };

export type Region = {
  participantId: string;
  x: number;
  y: number;
  width: number;
  height: number;
  z: number;
  /** The participant's video exists in this interval; otherwise the compositor draws a name tile. */
  hasVideo: boolean;
  /** The label to draw, or null when labels are off. */
  label: string | null;
  /**
   * The `file` of the video track drawn in this region (a participant can have a camera and a screen track live at
   * once: presentation and custom 'screen' regions show the screen). Absent when `hasVideo` is false.
   */
  trackFile?: string;
};

export type LayoutInterval = { startMs: number; endMs: number; regions: Region[] };

export type LayoutTimeline = { canvas: Canvas; spec: LayoutSpec; intervals: LayoutInterval[] };
