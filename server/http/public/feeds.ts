// Atom 1.0 and RSS 2.0 of the public reports, written here rather than by the `feed` package,
// which puts titles and descriptions in CDATA: complaint text with markup (`<script>`) then
// reaches a reader that renders those fields as HTML as live markup. Here every text field is
// HTML-escaped and then XML-escaped: after XML parsing each text node holds `&lt;script&gt;`,
// which an HTML-rendering reader shows as the characters "<script>" and a text reader as the
// escaped text. No CDATA anywhere, no markup of ours in text fields.

export interface FeedMeta {
  title: string;
  description: string;
  /** The page the feed mirrors (also the Atom id). */
  link: string;
  selfAtom: string;
  selfRss: string;
  language: string;
  updated: Date;
  rights: string;
}

export interface FeedItem {
  id: string;
  link: string;
  title: string;
  /** Plain text (a short summary). */
  summary: string;
  /** Plain text (the whole description and answers). */
  content: string;
  updated: Date;
  published: Date;
  category?: string;
}

/** The five predefined XML entities: every XML parser decodes them (not all decode &#NN;). */
const NAMED: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
const xml = (s: string) =>
  s
    // Characters XML 1.0 cannot carry at all.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    .replace(/[&<>"']/g, (c) => NAMED[c]!);
/** A plain text as HTML, then as XML: what HTML-typed feed fields carry. */
const htmlText = (s: string) => xml(s.replace(/[&<>]/g, (c) => NAMED[c]!));

export function atomFeed(meta: FeedMeta, items: FeedItem[]): string {
  const entries = items
    .map(
      (i) => `<entry><title type="html">${htmlText(i.title)}</title><id>${xml(i.id)}</id><link href="${xml(i.link)}"/><updated>${i.updated.toISOString()}</updated><published>${i.published.toISOString()}</published>` +
        `<summary type="html">${htmlText(i.summary)}</summary><content type="html">${htmlText(i.content)}</content>${i.category ? `<category term="${xml(i.category)}"/>` : ""}</entry>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xml(meta.language)}"><id>${xml(meta.link)}</id><title type="text">${xml(meta.title)}</title><subtitle type="text">${xml(meta.description)}</subtitle>` +
    `<updated>${meta.updated.toISOString()}</updated><link rel="alternate" href="${xml(meta.link)}"/><link rel="self" href="${xml(meta.selfAtom)}"/><author><name>Aduan</name></author><generator>Aduan</generator><rights>${xml(meta.rights)}</rights>
${entries}
</feed>`;
}

export function rssFeed(meta: FeedMeta, items: FeedItem[]): string {
  const entries = items
    .map(
      (i) => `<item><title>${htmlText(i.title)}</title><link>${xml(i.link)}</link><guid isPermaLink="true">${xml(i.id)}</guid><pubDate>${i.updated.toUTCString()}</pubDate>` +
        `<description>${htmlText(i.summary)}</description>${i.category ? `<category>${xml(i.category)}</category>` : ""}</item>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>${xml(meta.title)}</title><link>${xml(meta.link)}</link><description>${xml(meta.description)}</description>` +
    `<language>${xml(meta.language)}</language><lastBuildDate>${meta.updated.toUTCString()}</lastBuildDate><generator>Aduan</generator><copyright>${xml(meta.rights)}</copyright><atom:link href="${xml(meta.selfRss)}" rel="self" type="application/rss+xml"/>
${entries}
</channel></rss>`;
}
