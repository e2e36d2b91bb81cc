import { describe, expect, it } from 'vitest';
import { MIN_GAP, needsLayout, placeNear } from './placement';

describe('placing a new node', () => {
  it('goes next to its neighbours without landing on anyone', () => {
    const placed = [{ x: 0, y: 0 }, { x: 105, y: 0 }, { x: 105, y: 70 }];
    const p = placeNear([{ x: 0, y: 0 }], placed);
    placed.forEach((q) => expect(Math.hypot(p.x - q.x, p.y - q.y)).toBeGreaterThanOrEqual(MIN_GAP));
    expect(Math.abs(p.x - 105)).toBeLessThan(1);
  });

  it('without neighbours goes right of the graph', () => {
    expect(placeNear([], [{ x: 10, y: 5 }, { x: 200, y: 40 }]).x).toBeGreaterThan(200);
  });

  it('many new nodes never share a spot', () => {
    const placed = [{ x: 0, y: 0 }];
    for (let i = 0; i < 20; i++) placed.push(placeNear([{ x: 0, y: 0 }], placed));
    for (let i = 0; i < placed.length; i++) {
      for (let j = i + 1; j < placed.length; j++) {
        expect(Math.hypot(placed[i].x - placed[j].x, placed[i].y - placed[j].y)).toBeGreaterThanOrEqual(MIN_GAP);
      }
    }
  });
});

describe('re-running the layout', () => {
  it('only when the shape changes', () => {
    expect(needsLayout(0, 10, false)).toBe(true);
    expect(needsLayout(10, 0, false)).toBe(false);
    expect(needsLayout(10, 1, false)).toBe(false);
    expect(needsLayout(10, 0, true)).toBe(true);
    expect(needsLayout(4, 6, false)).toBe(true);
  });
});
