/* shards.js: the library's search index as one, written by `teikit build`
   into html/pagefind/ with the list of shards below (toolkit/search.py).

   The index is sharded by input: the edition's documents are one Pagefind
   index (html/pagefind/ itself, the main shard), each volume another
   (html/pagefind/shards/VOLUME/), each made by its own Pagefind run and made
   again only when its pages change. This module searches them as one, with
   the calls of Pagefind's own module (options, filters, search, preload), so
   that the search page and a reader's script use it as they would use
   pagefind.js: a script imports html/pagefind/shards.js instead of
   html/pagefind/pagefind.js, then calls options({highlightParam: 'find'}),
   filters() and search('Kuznetsov', {sort: {date: 'asc'}}) on it.

   Pagefind's module (a copy of its own, pagefind.js?shards, so that a
   script's own import of pagefind.js keeps its options) merges the shards
   into the main one (mergeIndex): one WebAssembly, one web worker; results by
   relevance merged by score, filters by adding their counts. Sorted by date,
   Pagefind gives each result a score that is its place in its own shard's
   order, not a date, and merges the shards by that place (documents of 1963
   of one volume before those of 1962 of another); so the results are put in
   date order again here, by the date of each page (dates.js beside this
   module: every shard's pages' dates by Pagefind's name of the page; a name
   two shards give two pages has their list, and the page's own date is
   read). Nothing from another site. */

export const shards = [];

var here = import.meta.url;
/* Where the pages are (html/): every shard's results are addresses under it. */
var pagesBase = new URL('../', here).pathname;
var settings = {};
/* The options the open module was set up with (as text), to tell a change from the same options again. */
var openedWith = null;
var opened = null;
var dates = null;

/* Pagefind's module, a copy of its own for each set of options (generation). */
function pagefindModule(generation) {
  var address = './pagefind.js?shards' + (generation ? '=' + generation : '');
  return import(new URL(address, here).href);
}

/* Pagefind's module is fetched and evaluated as soon as this one is, while the caller's script goes on
   to its options() and search(): importing it starts nothing else (Pagefind loads its index at the
   first call), and the first search then finds it ready instead of asking for it. */
var first = pagefindModule(0);
first.catch(function () { /* said by the first call that needs it (open) */ });

/* The options of one shard: the caller's, and the shard's tag as Pagefind's metaCacheTag. Pagefind
   asks for a shard's entry (pagefind-entry.json) at an address of its own each time (?ts=TIME), so a
   browser would load every shard's entry again at each page that searches. Given metaCacheTag, it asks
   for pagefind-entry.json?ts=TAG instead: TAG is a hash of the file, which the build writes in the list
   above (tag), one address for one file, which the server lets the browser keep (docs/outputs.md,
   "Serving the index"), as it keeps the other files of the index, named by their content's hash: a
   later page's search reads the shards' entries, metadata and the chunks it has seen from the cache.
   (Fetching every shard's entry and metadata here, as soon as this module is imported, for Pagefind's
   own requests to find them in the cache, was tried: no faster, more requests: bench/README.md.) */
function optionsOf(shard, extra) {
  var chosen = extra || {};
  Object.keys(settings).forEach(function (name) { chosen[name] = settings[name]; });
  if (shard && shard.tag) { chosen.metaCacheTag = shard.tag; }
  return chosen;
}

/* Pagefind's module with every shard merged into the main one; each merged shard is given the options
   (Pagefind's own options() reaches the main shard only). */
function setUp(module) {
  return module.options(optionsOf(shards[0])).then(function () {
    return Promise.all(shards.slice(1).map(function (shard) {
      return module.mergeIndex(new URL('./' + shard.path, here).pathname, optionsOf(shard, { baseUrl: pagesBase }));
    }));
  }).then(function () { return module; });
}

var generation = 0;

function open() {
  if (!opened) {
    openedWith = JSON.stringify(settings);
    opened = (generation ? pagefindModule(generation) : first).then(setUp);
  }
  return opened;
}

/* The results in date order: by each page's date, the same date in Pagefind's order. */
function byDate(results, direction) {
  if (!dates) {
    dates = import(new URL('./dates.js', here).href).then(function (module) { return module.default; });
  }
  return dates.then(function (table) {
    return Promise.all(results.map(function (result) {
      var date = table[result.id];
      if (typeof date === 'string') { return date; }
      return result.data().then(function (data) { return (data.meta && data.meta.datetime) || ''; });
    }));
  }).then(function (keys) {
    var keyed = results.map(function (result, order) { return { result: result, date: keys[order], order: order }; });
    keyed.sort(function (a, b) {
      if (a.date !== b.date) { return (a.date < b.date ? -1 : 1) * direction; }
      return a.order - b.order;
    });
    return keyed.map(function (item) { return item.result; });
  });
}

/* Options for every shard. Once the shards are merged, the options reach only the main one in
   Pagefind: a module of its own is then set up anew with them (the searches under way finish on the
   earlier one, which is left as it is: destroying it would fail them). Options the open module already
   has change nothing and keep it: a reader's script on the search page that asks for the page's own
   highlightParam searches with the index the page has opened (or is opening), instead of opening every
   shard a second time beside it. */
export function options(chosen) {
  Object.keys(chosen || {}).forEach(function (name) { settings[name] = chosen[name]; });
  if (!opened || JSON.stringify(settings) === openedWith) { return Promise.resolve(); }
  generation += 1;
  opened = null;
  return open().then(function () { return undefined; });
}

/* Searches first. A search's first call loads every shard's chunks of its words; filters() loads every
   shard's filter files (some twenty, one of them a value for each person in the library) and, once they
   are loaded, every search counts every value of every filter. Asked for together (the search page asks
   for its filters as it loads, a reader's script searches at once), the filters would make the search
   wait. So filters() waits until no search and no result's data asked for through this module is under
   way: a search asked for meanwhile goes first, the filters are loaded after it. */
var underWay = 0;
var waiting = [];

function begun() { underWay += 1; }

function ended() {
  underWay -= 1;
  if (!underWay) { setTimeout(release, 0); }
}

/* A task later, so that what the caller does with an answer at once (its results' data) is counted. */
function release() {
  if (underWay) { return; }
  var ready = waiting;
  waiting = [];
  ready.forEach(function (done) { done(); });
}

function quiet() {
  return new Promise(function (done) {
    waiting.push(done);
    if (!underWay) { setTimeout(release, 0); }
  });
}

/* A promise's outcome, with the count of work under way kept. */
function counted(work) {
  begun();
  return work.then(function (value) { ended(); return value; }, function (error) { ended(); throw error; });
}

export function filters() {
  return open().then(quiet).then(open).then(function (module) { return module.filters(); });
}

export function preload(term, chosen) {
  return counted(open().then(function (module) { return module.preload(term, chosen || {}); }));
}

/* Each result's data() counted as work under way (filters(), above). */
function countData(found) {
  (found && found.results || []).forEach(function (result) {
    var data = result.data;
    result.data = function () { return counted(data.apply(result, arguments)); };
  });
  return found;
}

export function search(term, chosen) {
  chosen = chosen || {};
  return counted(open().then(function (module) { return module.search(term, chosen); }).then(function (found) {
    countData(found);
    var sort = Object.keys(chosen.sort || {});
    if (!found || sort.length !== 1 || sort[0] !== 'date' || shards.length < 2) { return found; }
    return byDate(found.results, chosen.sort.date === 'desc' ? -1 : 1).then(function (results) {
      found.results = results;
      return found;
    });
  }));
}
