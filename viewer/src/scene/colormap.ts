/**
 * Colour scale for hop values (barrier in eV, or length in Å): a diverging blue → pale
 * yellow → red ramp (ColorBrewer RdYlBu reversed), low = blue, high = red.
 */
const STOPS: [number, number, number][] = [
  [0x31, 0x36, 0x95],
  [0x74, 0xad, 0xd1],
  [0xff, 0xff, 0xbf],
  [0xf4, 0x6d, 0x43],
  [0xa5, 0x00, 0x26],
];

/** RGB in 0–1 for t in [0, 1] (clamped). */
export function rampColor(t: number): [number, number, number] {
  const x = Math.min(Math.max(Number.isFinite(t) ? t : 0, 0), 1) * (STOPS.length - 1);
  const i = Math.min(Math.floor(x), STOPS.length - 2);
  const u = x - i;
  const a = STOPS[i];
  const b = STOPS[i + 1];
  return [0, 1, 2].map((c) => (a[c] + (b[c] - a[c]) * u) / 255) as [number, number, number];
}

/** CSS linear-gradient of the ramp (left = low). */
export function rampGradientCss(): string {
  return `linear-gradient(to right, ${STOPS.map((s) => `rgb(${s[0]},${s[1]},${s[2]})`).join(', ')})`;
}

export function rampCss(t: number): string {
  const [r, g, b] = rampColor(t);
  return `rgb(${Math.round(r * 255)},${Math.round(g * 255)},${Math.round(b * 255)})`;
}
