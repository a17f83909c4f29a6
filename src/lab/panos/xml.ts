// The lab's side of the PAN-OS XML API: reading the small `cmd` documents
// clients send and writing response envelopes. The lab depends on nothing but
// node and ssh2, so this is a deliberately small reader for those documents.

export interface OpCommand {
  /** Keyword path, e.g. ["show", "system", "info"]. */
  path: string[];
  /** Leaf values and attributes, e.g. { version: "11.1.4-h7" } or { name: "all" }. */
  params: Record<string, string>;
}

interface El { name: string; attrs: Record<string, string>; children: El[]; text: string }

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITY[e]);

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&${Object.entries(ENTITY).find(([, v]) => v === c)![0]};`);
}

function parseElement(xml: string, at: { i: number }): El {
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
    if (rest.startsWith('<')) el.children.push(parseElement(xml, at));
    else if (rest.length === 0) throw new Error(`<${el.name}> is not closed`);
    else {
      const next = rest.indexOf('<');
      el.text += decode(next < 0 ? rest : rest.slice(0, next));
      at.i += next < 0 ? rest.length : next;
    }
  }
}

/**
 * `<show><jobs><id>12</id></jobs></show>` → path [show, jobs], params {id: 12};
 * `<show><arp><entry name='all'/></arp></show>` → path [show, arp, entry], params {name: all}.
 */
/** Leaf elements that carry a value (<version>X</version>); any other leaf is a keyword with an argument. */
const VALUE_ELEMENTS = new Set(['version', 'id', 'sync-to-peer', 'load-config', 'name']);

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

export function errorMsg(message: string, code?: number, status = 'error'): string {
  return `<response status="${status}"${code ? ` code="${code}"` : ''}><msg><line><![CDATA[ ${message} ]]></line></msg></response>`;
}

/** A plain XML element from a record; arrays become repeated <entry> elements. */
export function xmlOf(value: unknown, name?: string): string {
  if (value === null || value === undefined) return name ? `<${name}/>` : '';
  if (Array.isArray(value)) return value.map((v) => xmlOf(v, 'entry')).join('');
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const attrs = entries.filter(([k]) => k.startsWith('@')).map(([k, v]) => ` ${k.slice(1)}="${escapeXml(String(v))}"`).join('');
    const body = entries.filter(([k]) => !k.startsWith('@')).map(([k, v]) => (Array.isArray(v) ? `<${k}>${xmlOf(v)}</${k}>` : xmlOf(v, k))).join('');
    return name ? `<${name}${attrs}>${body}</${name}>` : body;
  }
  return name ? `<${name}>${escapeXml(String(value))}</${name}>` : escapeXml(String(value));
}
