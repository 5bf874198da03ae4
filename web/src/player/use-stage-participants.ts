/** The session's participants in tile-map order (stage order), with labels and colours. */
import { useMemo } from 'react';
import type { Participant, TileMap } from '../api/types';
import { participantLabel } from '../shared/format';
import { participantColor } from './participant-colors';

/** label: "Participant 1001" when there is no display name; shortLabel: "1001" (narrow screens). */
export type ViewParticipant = Participant & { label: string; shortLabel: string; color: string; inTileMap: boolean };

export const orderParticipants = (participants: readonly Participant[], tileMap: TileMap | null): ViewParticipant[] => {
  const tileOrder = new Map((tileMap?.tiles ?? []).map((tile, index) => [tile.participantId, index]));
  const ordered = [...participants].sort((a, b) => (tileOrder.get(a.id) ?? Infinity) - (tileOrder.get(b.id) ?? Infinity));
  return ordered.map((participant, index) => ({ ...participant, label: participantLabel(participant), shortLabel: participant.displayName ?? participant.id, color: participantColor(index), inTileMap: tileOrder.has(participant.id) }));
};

export const useViewParticipants = (participants: readonly Participant[], tileMap: TileMap | null): ViewParticipant[] =>
  useMemo(() => orderParticipants(participants, tileMap), [participants, tileMap]);
