// Read a feed file with rss-parser, the most used JavaScript feed parser, and print what it
// gives a program (a feed reader, a static site's "latest posts" widget) as JSON on stdout.
// Used by tests/test_interop.py; `npm ci --prefix tests/js` installs the pinned version.
//
//     node tests/js/parse.mjs public/feed.xml
import { readFile } from "node:fs/promises";
import Parser from "rss-parser";

const [path] = process.argv.slice(2);
if (!path) {
  console.error("usage: node parse.mjs FEED_FILE");
  process.exit(2);
}
// Default options, as a reader using the library would: what it shows is what we test.
const feed = await new Parser().parseString(await readFile(path, "utf8"));
process.stdout.write(JSON.stringify(feed, null, 1) + "\n");
