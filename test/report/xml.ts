// A strict little XML reader for the JUnit tests: rejects unbalanced tags, unquoted attributes, raw '<' or
// stray '&' in text, so a report that a CI server would refuse fails here too.
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  if (raw.includes('<')) throw new Error(`raw '<' in ${where}`);
  return raw.replace(/&([a-z]+|#[0-9]+);|&/g, (m, name: string | undefined) => {
    if (!name) throw new Error(`stray '&' in ${where}`);
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    const value = ENTITIES[name];
    if (value === undefined) throw new Error(`unknown entity &${name}; in ${where}`);
    return value;
  });
}

export function parseXml(xml: string): XmlElement {
  let pos = 0;
  const prolog = /^<\?xml [^?]*\?>\s*/.exec(xml);
  if (prolog) pos = prolog[0].length;
  const root = readElement();
  if (xml.slice(pos).trim() !== '') throw new Error(`content after the root element at ${pos}`);
  return root;

  function readElement(): XmlElement {
    const open = /^<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"]*")*)\s*(\/?)>/.exec(xml.slice(pos));
    if (!open) throw new Error(`malformed tag at ${pos}: ${xml.slice(pos, pos + 60)}`);
    pos += open[0].length;
    const attributes: Record<string, string> = {};
    for (const m of open[2].matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      if (m[1] in attributes) throw new Error(`duplicate attribute ${m[1]}`);
      attributes[m[1]] = decode(m[2], `attribute ${m[1]}`);
    }
    const element: XmlElement = { name: open[1], attributes, children: [], text: '' };
    if (open[3] === '/') return element;
    for (;;) {
      const next = xml.indexOf('<', pos);
      if (next < 0) throw new Error(`unclosed <${element.name}>`);
      element.text += decode(xml.slice(pos, next), `text of <${element.name}>`);
      pos = next;
      if (xml.startsWith(`</${element.name}>`, pos)) {
        pos += element.name.length + 3;
        return element;
      }
      if (xml.startsWith('</', pos)) throw new Error(`mismatched close tag at ${pos}, expected </${element.name}>`);
      element.children.push(readElement());
    }
  }
}
