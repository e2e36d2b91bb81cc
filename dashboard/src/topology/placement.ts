// Where a node that appears on a refresh goes, without moving the nodes the user already sees: pure functions, tested without a browser.

export interface Point {
  x: number;
  y: number;
}

/** Centres closer than this (model units) overlap: nodes are 34 wide, labels sit below them. */
export const MIN_GAP = 70;

/**
 * A free spot for a new node: next to the average of its already placed neighbours (to their
 * right, as the graph flows left to right), else right of everything; moved down until it is at
 * least {@link MIN_GAP} from every placed node.
 */
export function placeNear(neighbours: Point[], placed: Point[]): Point {
  let start: Point;
  if (neighbours.length) {
    start = {
      x: neighbours.reduce((a, p) => a + p.x, 0) / neighbours.length + MIN_GAP * 1.5,
      y: neighbours.reduce((a, p) => a + p.y, 0) / neighbours.length,
    };
  } else if (placed.length) {
    start = { x: Math.max(...placed.map((p) => p.x)) + MIN_GAP * 1.5, y: Math.min(...placed.map((p) => p.y)) };
  } else {
    start = { x: 0, y: 0 };
  }
  const candidate = { ...start };
  for (let i = 0; i < 200 && placed.some((p) => Math.hypot(p.x - candidate.x, p.y - candidate.y) < MIN_GAP); i++) {
    // Alternate below and above the start, further out each time.
    const step = Math.ceil((i + 1) / 2) * MIN_GAP;
    candidate.y = start.y + (i % 2 === 0 ? step : -step);
  }
  return candidate;
}

/**
 * Whether a refresh changes the graph's shape enough to lay it out again: on the first render,
 * when namespace boxes are switched, or when more than half of the nodes are new (another
 * grouping, another namespace). Otherwise new nodes are placed next to their neighbours.
 */
export function needsLayout(before: number, added: number, boxesChanged: boolean): boolean {
  return before === 0 || boxesChanged || added * 2 > before + added;
}
