// A lean tag stream over htmlparser2's Tokenizer: element names, exact
// offsets, and attributes only for the elements that ask for them. Sheet XML
// holds hundreds of thousands of cells; building an attribute object for every
// <v> and <t> (as htmlparser2's Parser does) costs more than the tokenizing.
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

export interface TagEvents {
  /** Local names (no prefix) of the elements whose attributes are wanted. */
  wantAttributes: ReadonlySet<string>;
  open(name: string, start: number, end: number, attrs: Record<string, string> | null, selfClosing: boolean, qname: string): void;
  close(name: string, start: number, end: number): void;
  /** Text between tags, entities decoded; called in pieces. */
  text?(text: string): void;
}

const local = (name: string) => {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
};

export function streamTags(xml: string, events: TagEvents): void {
  let name = '';
  let qname = '';
  let tagStart = 0;
  let attrs: Record<string, string> | null = null;
  let attrName = '';
  let attrValue = '';
  const cb: TokenizerCallbacks = {
    onopentagname(start, end) {
      qname = xml.slice(start, end);
      name = local(qname);
      tagStart = start - 1;
      attrs = events.wantAttributes.has(name) ? {} : null;
    },
    onattribname(start, end) {
      if (attrs) {
        attrName = xml.slice(start, end);
        attrValue = '';
      }
    },
    onattribdata(start, end) {
      if (attrs) attrValue += xml.slice(start, end);
    },
    onattribentity(codepoint) {
      if (attrs) attrValue += String.fromCodePoint(codepoint);
    },
    onattribend() {
      if (attrs) attrs[attrName] = attrValue;
    },
    onopentagend(end) {
      events.open(name, tagStart, end + 1, attrs, false, qname);
    },
    onselfclosingtag(end) {
      events.open(name, tagStart, end + 1, attrs, true, qname);
      events.close(name, tagStart, end + 1);
    },
    onclosetag(start, end) {
      events.close(local(xml.slice(start, end)), xml.lastIndexOf('<', start), xml.indexOf('>', end) + 1);
    },
    ontext(start, end) {
      events.text?.(xml.slice(start, end));
    },
    ontextentity(codepoint) {
      events.text?.(String.fromCodePoint(codepoint));
    },
    oncdata(start, end, endOffset) {
      events.text?.(xml.slice(start, end - endOffset));
    },
    oncomment() {},
    ondeclaration() {},
    onprocessinginstruction() {},
    onend() {},
  };
  const tokenizer = new Tokenizer({ xmlMode: true, decodeEntities: true }, cb);
  tokenizer.write(xml);
  tokenizer.end();
}
