/**
 * The simulated warehouse, reproducible from a seed: aisles and slots with check digits, items,
 * reason codes, operators with PINs, and each operator's assignments (generated on demand, so
 * the k-th assignment of an operator is the same for the same seed, however many are asked for).
 */
import type { Assignment, AssignmentLine, ReferenceData } from '../wms/types.ts';

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const mix = (...n: number[]) => n.reduce((h, x) => Math.imul(h ^ (x >>> 0), 2654435761) >>> 0, 0x9e3779b9);

export interface WarehouseOptions {
  seed: number;
  operators: number;
  aisles?: number;
  slotsPerAisle?: number;
  /** Lines per assignment (min, max). */
  lines?: [number, number];
  /** Largest quantity of a line. */
  maxQty?: number;
}

export interface SimOperator { id: string; pin: string; name: string; language: 'en' | 'ru' }
export interface SimLocation { id: string; aisle: string; slot: string; checkDigits: string }

const FIRST = ['Ann', 'Boris', 'Carla', 'Dmitri', 'Eva', 'Fedor', 'Gwen', 'Hugo', 'Irina', 'Jack', 'Katya', 'Leo'];
const GOODS = ['soap', 'tea', 'rice', 'coffee', 'sugar', 'flour', 'salt', 'pasta', 'beans', 'oil', 'juice', 'milk', 'nuts', 'honey'];
export const REASONS = [{ code: '1', description: 'slot empty' }, { code: '2', description: 'damaged' }, { code: '3', description: 'wrong item' }];

export class Warehouse {
  readonly operators: SimOperator[];
  readonly locations: SimLocation[];
  readonly drops: SimLocation[];
  readonly items: { id: string; description: string; unit: string }[];
  private readonly opts: Required<WarehouseOptions>;

  constructor(o: WarehouseOptions) {
    this.opts = { aisles: 12, slotsPerAisle: 40, lines: [3, 8], maxQty: 9, ...o };
    const r = prng(mix(o.seed, 1));
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
    this.operators = Array.from({ length: o.operators }, (_x, i) => ({
      id: String(101 + i),
      pin: String(1000 + Math.floor(r() * 9000)),
      name: `${FIRST[i % FIRST.length]}${i >= FIRST.length ? ` ${Math.floor(i / FIRST.length) + 1}` : ''}`,
      language: (i % 4 === 3 ? 'ru' : 'en') as 'en' | 'ru',
    }));
    this.locations = [];
    for (let a = 1; a <= this.opts.aisles; a++) {
      for (let s = 1; s <= this.opts.slotsPerAisle; s++) {
        this.locations.push({ id: `A${a}-${String(s).padStart(2, '0')}`, aisle: String(a), slot: String(s), checkDigits: digits(r() < 0.8 ? 2 : 3) });
      }
    }
    this.drops = Array.from({ length: 4 }, (_x, i) => ({ id: `D${i + 1}`, aisle: 'dock', slot: String(i + 1), checkDigits: digits(2) }));
    this.items = this.locations.map((l, i) => ({ id: `I${String(i + 1).padStart(4, '0')}`, description: GOODS[Math.floor(r() * GOODS.length)]!, unit: 'each' }));
  }

  operator(id: string): SimOperator | undefined { return this.operators.find((o) => o.id === id); }

  /** The k-th (0-based) assignment of an operator; the same for the same seed. */
  assignment(operatorId: string, k: number): Assignment {
    const opIndex = this.operators.findIndex((o) => o.id === operatorId);
    const r = prng(mix(this.opts.seed, 2, opIndex, k));
    const [lo, hi] = this.opts.lines;
    const n = lo + Math.floor(r() * (hi - lo + 1));
    const picked = new Set<number>();
    while (picked.size < Math.min(n, this.locations.length)) picked.add(Math.floor(r() * this.locations.length));
    const idx = [...picked].sort((a, b) => a - b);
    const id = String(10000 * (opIndex + 1) + k + 1);
    const lines: AssignmentLine[] = idx.map((li, j) => {
      const loc = this.locations[li]!;
      const item = this.items[li]!;
      return {
        id: `${id}-${j + 1}`, locationId: loc.id, aisle: loc.aisle, slot: loc.slot, checkDigits: loc.checkDigits,
        itemId: item.id, description: item.description, qty: 1 + Math.floor(r() * this.opts.maxQty),
      };
    });
    const drop = this.drops[Math.floor(r() * this.drops.length)]!;
    return { id, lines, drop: { locationId: drop.id, name: `dock ${drop.slot}`, checkDigits: drop.checkDigits }, reasons: REASONS };
  }

  reference(): ReferenceData {
    return {
      locations: [...this.locations, ...this.drops].map((l) => ({ id: l.id, aisle: l.aisle, slot: l.slot, checkDigits: l.checkDigits })),
      items: this.items,
      reasonCodes: REASONS,
    };
  }
}
