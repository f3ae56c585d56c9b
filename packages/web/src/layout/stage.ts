import type { PeerId } from '@parley/protocol';

/**
 * What the in-call stage shows and where (pure, unit-tested).
 *
 * Every call member (self included) has a camera tile; every remote screen
 * share is an extra item. With nothing pinned and no screen share the tiles
 * form a grid. A pinned item, or else the first remote screen share, goes
 * large ("spotlight") and every other item moves to a strip beside it.
 */

export type StageItemKind = 'camera' | 'screen';

export interface StageItem {
  /** Stable per item: `camera:<peer>` or `screen:<peer>` (pin state, v-for key). */
  key: string;
  kind: StageItemKind;
  peerId: PeerId;
  self: boolean;
}

export interface StageLayout {
  layout: 'grid' | 'spotlight';
  /** The large item in spotlight; null in grid. */
  main: StageItem | null;
  /** Grid: every item. Spotlight: the strip. */
  others: StageItem[];
  /** Camera tiles (self included): the grid's data-count. */
  tileCount: number;
}

export function itemKey(kind: StageItemKind, peerId: PeerId): string {
  return `${kind}:${peerId}`;
}

/** Remote members first (in call order), then self; screens after the cameras. */
export function stageItems(
  selfId: PeerId | null,
  members: readonly PeerId[],
  screens: readonly PeerId[],
): StageItem[] {
  const items: StageItem[] = [];
  const camera = (peerId: PeerId, self: boolean): StageItem => ({
    key: itemKey('camera', peerId),
    kind: 'camera',
    peerId,
    self,
  });
  const seen = new Set<PeerId>();
  for (const id of members) {
    if (id === selfId || seen.has(id)) continue;
    seen.add(id);
    items.push(camera(id, false));
  }
  if (selfId !== null) items.push(camera(selfId, true));
  for (const id of new Set(screens)) {
    if (id === selfId) continue; // our own share is not shown back to us
    items.push({ key: itemKey('screen', id), kind: 'screen', peerId: id, self: false });
  }
  return items;
}

export function arrangeStage(items: readonly StageItem[], pinnedKey: string | null): StageLayout {
  const tileCount = items.filter((i) => i.kind === 'camera').length;
  const main =
    items.find((i) => i.key === pinnedKey) ?? items.find((i) => i.kind === 'screen') ?? null;
  if (!main) return { layout: 'grid', main: null, others: [...items], tileCount };
  return {
    layout: 'spotlight',
    main,
    others: items.filter((i) => i !== main),
    tileCount,
  };
}

/**
 * Grid columns for `count` tiles: side by side on a wide screen, stacked
 * on a narrow (portrait phone) one, never more than 3 across.
 */
export function gridColumns(count: number, narrow: boolean): number {
  if (narrow) return count <= 2 ? 1 : 2;
  if (count <= 1) return 1;
  if (count <= 4) return 2;
  return 3;
}
