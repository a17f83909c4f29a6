// The lab's side of the PAN-OS XML API: reading the small `cmd` documents
// clients send and writing response envelopes. The lab depends on nothing but
// node and ssh2, so this is a deliberately small reader for those documents.

export interface OpCommand {
  /** Keyword path, e.g. ["show", "system", "info"]. */
  path: string[];
  /** Leaf values and attributes, e.g. { version: "11.1.4-h7" } or { name: "all" }. */
  params: Record<string, string>;
}

export interface El { name: string; attrs: Record<string, string>; children: El[]; text: string }

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITY[e]);

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&${Object.entries(ENTITY).find(([, v]) => v === c)![0]};`);
}

function parseElement(xml: string, at: { i: number }): El {
  skipMisc(xml, at);
  const open = /^<([A-Za-z_][\w.-]*)((?:\s+[\w.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(xml.slice(at.i));
  if (!open) throw new Error(`malformed command near "${xml.slice(at.i, at.i + 20)}"`);
  const el: El = { name: open[1], attrs: {}, children: [], text: '' };
  for (const m of open[2].matchAll(/([\w.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) el.attrs[m[1]] = decode(m[2] ?? m[3] ?? '');
  at.i += open[0].length;
  if (open[3] === '/') return el;
  for (;;) {
    const rest = xml.slice(at.i);
    if (rest.startsWith(`</${el.name}`)) {
      const close = /^<\/[\w.-]+\s*>/.exec(rest);
      if (!close) throw new Error(`malformed closing tag for <${el.name}>`);
      at.i += close[0].length;
      return el;
    }
    if (rest.startsWith('<![CDATA[')) {
      const end = rest.indexOf(']]>');
      if (end < 0) throw new Error(`<${el.name}> has an unterminated CDATA section`);
      el.text += rest.slice(9, end);
      at.i += end + 3;
    } else if (rest.startsWith('<!--')) skipMisc(xml, at);
    else if (rest.startsWith('<')) el.children.push(parseElement(xml, at));
    else if (rest.length === 0) throw new Error(`<${el.name}> is not closed`);
    else {
      const next = rest.indexOf('<');
      el.text += decode(next < 0 ? rest : rest.slice(0, next));
      at.i += next < 0 ? rest.length : next;
    }
  }
}

/** Skips whitespace, an XML declaration and comments before an element. */
function skipMisc(xml: string, at: { i: number }): void {
  for (;;) {
    const m = /^(\s+|<\?[^>]*\?>|<!--[\s\S]*?-->)/.exec(xml.slice(at.i));
    if (!m) return;
    at.i += m[0].length;
  }
}

/** A whole XML document (the running configuration) as an element tree. */
export function parseXml(xml: string): El {
  return parseElement(xml, { i: 0 });
}

/**
 * `<show><jobs><id>12</id></jobs></show>` → path [show, jobs], params {id: 12};
 * `<show><arp><entry name='all'/></arp></show>` → path [show, arp, entry], params {name: all}.
 */
/** Leaf elements that carry a value (<version>X</version>); any other leaf is a keyword with an argument. */
const VALUE_ELEMENTS = new Set(['version', 'id', 'sync-to-peer', 'load-config', 'name', 'vsys', 'last', 'filter', 'admin', 'comment', 'target']);

export function parseOpCommand(cmd: string): OpCommand {
  const root = parseElement(cmd.trim(), { i: 0 });
  const path: string[] = [];
  const params: Record<string, string> = {};
  let el: El | undefined = root;
  while (el) {
    path.push(el.name);
    Object.assign(params, el.attrs);
    const branches: El[] = el.children.filter((c) => c.children.length > 0 || Object.keys(c.attrs).length > 0 || c.text.trim() === '' || !VALUE_ELEMENTS.has(c.name));
    for (const leaf of el.children.filter((c) => !branches.includes(c))) params[leaf.name] = leaf.text.trim();
    if (el.text.trim()) params.text = el.text.trim();
    el = branches[0];
  }
  return { path, params };
}

export function success(result: string, code?: number): string {
  return `<response status="success"${code ? ` code="${code}"` : ''}><result>${result}</result></response>`;
}

/** An error envelope; several lines come as several <line> elements, as the firewall prints them. */
export function errorMsg(message: string | string[], code?: number, status = 'error'): string {
  const lines = (Array.isArray(message) ? message : [message]).map((l) => `<line>${cdata(` ${l} `)}</line>`).join('');
  return `<response status="${status}"${code ? ` code="${code}"` : ''}><msg>${lines}</msg></response>`;
}

/** The answer to a command the firewall does not know: `show -> bogus  is unexpected` (code 17). */
export function unexpected(path: string[]): string {
  return errorMsg(`${path.join(' -> ')}  is unexpected`.trim(), 17);
}

export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** Text that goes into the document as it is (CDATA sections, pre-rendered elements). */
export class Raw {
  constructor(readonly xml: string) {}
}

/**
 * A plain XML element from a record. An array under `k` becomes <k> holding
 * one <entry> per item; under `k*` it becomes the element <k> repeated
 * (<line>a</line><line>b</line>); `@k` is an attribute; undefined is left out
 * and null is an empty element.
 */
export function xmlOf(value: unknown, name?: string): string {
  if (value === undefined) return '';
  if (value === null) return name ? `<${name}/>` : '';
  if (value instanceof Raw) return name ? `<${name}>${value.xml}</${name}>` : value.xml;
  if (Array.isArray(value)) return value.map((v) => xmlOf(v, 'entry')).join('');
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    const attrs = entries.filter(([k]) => k.startsWith('@')).map(([k, v]) => ` ${k.slice(1)}="${escapeXml(String(v))}"`).join('');
    const body = entries.filter(([k]) => !k.startsWith('@')).map(([k, v]) => {
      if (k.endsWith('*')) return (v as unknown[]).map((item) => xmlOf(item, k.slice(0, -1))).join('');
      return Array.isArray(v) ? (v.length ? `<${k}>${xmlOf(v)}</${k}>` : `<${k}/>`) : xmlOf(v, k);
    }).join('');
    if (!name) return body;
    return body ? `<${name}${attrs}>${body}</${name}>` : `<${name}${attrs}/>`;
  }
  return name ? `<${name}>${escapeXml(String(value))}</${name}>` : escapeXml(String(value));
}
