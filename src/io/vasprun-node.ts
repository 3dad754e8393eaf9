/**
 * A tiny element tree for the small sub-trees of vasprun.xml that the streaming reader
 * captures (one `<structure>`, one `<scstep>`, `<parameters>`…), never the whole document.
 */

export interface XNode {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XNode[];
  /** Text before the first child (vasprun.xml has no mixed content). */
  text: string;
  /** 1-based line of the opening tag. */
  readonly line: number;
}

export function makeNode(name: string, attrs: Record<string, string>, line: number): XNode {
  return { name, attrs, children: [], text: '', line };
}

/** First child with this element name (and, when given, this `name` attribute). */
export function child(node: XNode, tag: string, nameAttr?: string): XNode | undefined {
  for (const c of node.children) {
    if (c.name === tag && (nameAttr === undefined || c.attrs.name === nameAttr)) return c;
  }
  return undefined;
}

export function children(node: XNode, tag: string): XNode[] {
  return node.children.filter((c) => c.name === tag);
}

/** `<i name=…>` children as a name → node map (last one wins, as VASP's own reader does). */
export function namedItems(node: XNode, tag = 'i'): Map<string, XNode> {
  const m = new Map<string, XNode>();
  for (const c of node.children) if (c.name === tag && c.attrs.name !== undefined) m.set(c.attrs.name, c);
  return m;
}

/** How to name an element in messages: `<varray name="forces">`. */
export function describe(node: XNode): string {
  return node.attrs.name !== undefined ? `<${node.name} name="${node.attrs.name}">` : `<${node.name}>`;
}
