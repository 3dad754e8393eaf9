import { describe, expect, it } from 'vitest';
import { erfc } from '../../src/math/erfc.js';

// Expected values from scipy.special.erfc (python3-scipy), printed with repr.
const REF: [number, number][] = [
  [0, 1.0], [0.1, 0.8875370839817152], [0.3, 0.6713732405408726], [0.46875, 0.507386526782062],
  [0.5, 0.4795001221869535], [1, 0.15729920705028516], [1.5, 0.03389485352468927], [2, 0.004677734981047266],
  [3, 2.2090496998585445e-5], [3.9, 3.479224859723178e-8], [4, 1.541725790028002e-8], [4.5, 1.9661604415428878e-10],
  [6, 2.1519736712498913e-17], [10, 2.0884875837625446e-45], [-0.7, 1.6778011938374182], [-2.5, 1.999593047982555],
];

describe('erfc (Cody 1969)', () => {
  it('matches scipy to 1e-14 relative', () => {
    for (const [x, y] of REF) expect(Math.abs(erfc(x) - y) / y).toBeLessThan(1e-14);
  });
});
