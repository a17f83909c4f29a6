// Small, position-exact edits of OOXML parts: find an element, insert a child
// before its end tag, bump a count attribute. The parser finds offsets; the
// edit splices text, so nothing else in the part changes.
import { Parser } from 'htmlparser2';
import { localName } from './package.js';

export interface ElementPos {
  name: string; // as written, with any prefix
  attrs: Record<string, string>;
  openStart: number;
  openEnd: number; // index after '>'
  closeStart: number; // index of '</…>' (== openEnd - 2 for <x/>)
  selfClosing: boolean;
  /** Number of direct child elements. */
  children: number;
}

/** The first element with this local name (depth-first order). */
export function findElement(xml: string, wanted: string): ElementPos | null {
  let found: ElementPos | null = null;
  let depth = 0;
  let foundDepth = -1;
  const tagStart = (i: number) => (xml[i] === '<' ? i : xml.indexOf('<', i));
  const parser: Parser = new Parser(
    {
      onopentag(name, attrs) {
        depth++;
        if (found && depth === foundDepth + 1 && found.closeStart < 0) found.children++;
        if (!found && localName(name) === wanted) {
          found = { name, attrs, openStart: tagStart(parser.startIndex), openEnd: parser.endIndex + 1, closeStart: -1, selfClosing: false, children: 0 };
          foundDepth = depth;
        }
      },
      onclosetag(name, implied) {
        if (found && depth === foundDepth && found.closeStart < 0 && localName(name) === wanted) {
          found.selfClosing = implied;
          found.closeStart = implied ? found.openEnd : tagStart(parser.startIndex);
        }
        depth--;
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.write(xml);
  parser.end();
  return found;
}

/**
 * Appends `child` as the last child of the element, updating its `count`
 * attribute when it has one. Returns the new xml and the child's index.
 */
export function appendChild(xml: string, el: ElementPos, child: string): { xml: string; index: number } {
  const index = el.children;
  let open = xml.slice(el.openStart, el.openEnd);
  if (el.attrs.count !== undefined) open = open.replace(/\bcount="\d*"/, `count="${el.children + 1}"`);
  if (el.selfClosing) {
    const tag = open.replace(/\s*\/>$/, '>');
    return { xml: xml.slice(0, el.openStart) + tag + child + `</${el.name}>` + xml.slice(el.openEnd), index };
  }
  return { xml: xml.slice(0, el.openStart) + open + xml.slice(el.openEnd, el.closeStart) + child + xml.slice(el.closeStart), index };
}

/** The prefix (with ':') an element name uses, '' when none. */
export function prefixOf(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? '' : name.slice(0, i + 1);
}
