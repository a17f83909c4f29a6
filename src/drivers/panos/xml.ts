// Reading PAN-OS XML answers: one parser for every call, with the shapes
// that vary normalised (one <entry> or many, one <line> or many, an empty
// list as <x/> or as nothing), and the raw <config> a backup keeps as it is.
import { XMLParser } from 'fast-xml-parser';

export type Xml = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: true,
  // One <entry> or many, one <line> or many: always arrays, so code never guesses.
  isArray: (name) => ['entry', 'line', 'job', 'member'].includes(name),
});

/** The document as plain objects (throws on text that is not XML). */
export function parseXml(text: string): Xml {
  return parser.parse(text, true) as Xml;
}

/** The <result> of a success envelope as an object; a text result (CDATA, yes/no) is under '#text'. */
export function resultOf(response: Xml): Xml {
  const result = response.result;
  return result && typeof result === 'object' && !Array.isArray(result) ? (result as Xml) : typeof result === 'string' ? { '#text': result } : {};
}

/** Text of an element that may be a string, an object with #text, or absent. */
export function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return text(v[0]);
  if (typeof v === 'object') return String((v as Xml)['#text'] ?? '');
  return String(v).trim();
}

/** An element that may be absent, empty (<x/> reads as ''), one object or an array, as an array. */
export function list(v: unknown): Xml[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]).filter((x) => x !== '' && x !== null && x !== undefined) as Xml[];
}

/** A child element, or an empty object. */
export function child(v: unknown, name: string): Xml {
  const c = v && typeof v === 'object' ? (v as Xml)[name] : undefined;
  return c && typeof c === 'object' && !Array.isArray(c) ? (c as Xml) : {};
}

/** yes / no (also True / False) as a boolean; null when neither. */
export function yesNo(v: unknown): boolean | null {
  const t = text(v).toLowerCase();
  if (t === 'yes' || t === 'true') return true;
  if (t === 'no' || t === 'false') return false;
  return null;
}

export function num(v: unknown): number | null {
  const t = text(v);
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** The messages of an error envelope: msg/line, result/msg, msg, in that order. */
export function messageOf(r: Xml): string {
  const pick = (v: unknown): string => {
    if (v === undefined || v === null) return '';
    if (typeof v === 'string') return v.trim();
    if (Array.isArray(v)) return v.map(pick).filter(Boolean).join(' ');
    if (typeof v === 'object') {
      const o = v as Xml;
      return pick(o.line ?? o.msg ?? o['#text'] ?? Object.values(o).filter((x) => typeof x !== 'object').join(' '));
    }
    return String(v);
  };
  return (pick(r.msg) || pick((r.result as Xml | undefined)?.msg) || (typeof r.result === 'string' ? r.result : '')).trim();
}

/**
 * The <config> element exactly as the firewall printed it inside <result>
 * (a backup keeps the bytes, not a re-rendering); null when there is none.
 */
export function rawConfig(body: string): string | null {
  const start = body.search(/<config[\s>/]/);
  if (start < 0) return null;
  const end = body.lastIndexOf('</config>');
  if (end > start) return body.slice(start, end + '</config>'.length);
  const empty = /^<config[^>]*\/>/.exec(body.slice(start));
  return empty ? empty[0] : null;
}
