// Renders CSL-JSON items with citeproc-js, the engine inside Zotero and Mendeley.
//
//   node render.js CITEPROC_JS  < request.json  > result.json
//
// request: {"style": CSL XML, "locale": locale XML, "items": [CSL-JSON items]}
// result:  {"notes": [first citation of each item, as a note or in-text],
//           "bibliography": [entries in the style's order]}
// Plain text output ("text" format), one line each. Used by
// tests/test_citeproc_js.py; nothing of the toolkit runs here.
"use strict";
const fs = require("fs");
const CSL = require(process.argv[2]);

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const byId = new Map(request.items.map((item) => [item.id, item]));
const engine = new CSL.Engine({
  retrieveLocale: () => request.locale,
  retrieveItem: (id) => byId.get(id),
}, request.style, "en-US", true);
engine.setOutputFormat("text");
engine.updateItems([...byId.keys()]);

const notes = request.items.map((item) =>
  engine.makeCitationCluster([{ id: item.id }]));
const [, entries] = engine.makeBibliography();
const oneLine = (text) => text.replace(/\s+/g, " ").trim();
process.stdout.write(JSON.stringify({
  notes: notes.map(oneLine),
  bibliography: entries.map(oneLine),
}));
