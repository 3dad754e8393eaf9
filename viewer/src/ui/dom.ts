/** Tiny DOM helpers (no framework). */

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

export function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '–';
}

export function checkbox(label: string, checked: boolean, onChange: (v: boolean) => void, testid?: string): HTMLLabelElement {
  const input = h('input', { type: 'checkbox', 'data-testid': testid });
  input.checked = checked;
  input.addEventListener('change', () => onChange(input.checked));
  return h('label', { class: 'row check' }, input, ' ', label);
}

export function section(title: string, ...children: (Node | null)[]): HTMLElement {
  return h('section', {}, h('h3', { text: title }), ...children);
}
