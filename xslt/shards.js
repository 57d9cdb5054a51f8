/* shards.js: the library's search index as one, written by `teikit build`
   into html/pagefind/ with the list of shards below (toolkit/search.py).

   The index is sharded by input: the edition's documents are one Pagefind
   index (html/pagefind/ itself), each volume another
   (html/pagefind/shards/VOLUME/), each made by its own Pagefind run and made
   again only when its pages change. This module searches them as one, with
   the calls of Pagefind's own module (options, filters, search, preload), so
   that the search page and a reader's script use it as they would use
   pagefind.js: a script imports html/pagefind/shards.js instead of
   html/pagefind/pagefind.js, then calls options({highlightParam: 'find'}),
   filters() and search('Kuznetsov', {sort: {date: 'asc'}}) on it.

   Each shard is searched by a Pagefind module of its own (open, below). Results by relevance are merged by their score, filters by adding
   their counts, as Pagefind's own mergeIndex does. Sorted by date, a result's
   score is its place in its shard's order of dates, not a date: Pagefind's
   mergeIndex would interleave the shards by that place. Here each shard's
   dates (dates.js beside its index, in Pagefind's order, loaded with the
   first sorted search that finds something in it) turn the place into the
   date, and the shards are merged by date. Nothing from another site. */

export const shards = [];

var here = import.meta.url;
/* Where the pages are (html/): every shard's results are addresses under it. */
var pagesBase = new URL('../', here).pathname;
var settings = {};
var opened = null;

/* Each shard is searched by a Pagefind module of its own (pagefind.js under an address of its own, so a
   module apart: two Pagefind instances made in one module, or one web worker, share its WebAssembly's
   memory and break it), set to the shard's folder, in this thread (no worker each). */
function open() {
  if (!opened) {
    opened = shards.map(function (shard, number) {
      var ready = import(new URL('./pagefind.js?shard=' + number, here).href).then(function (module) {
        var chosen = { basePath: new URL('./' + shard.path, here).pathname, baseUrl: pagesBase, noWorker: true };
        Object.keys(settings).forEach(function (name) { chosen[name] = settings[name]; });
        return module.options(chosen).then(function () { return module; });
      });
      return { shard: shard, ready: ready, dates: null };
    });
  }
  return opened;
}

/* The counts of several shards' filters added: {filter: {value: documents}}. */
function added(all) {
  var sum = {};
  all.forEach(function (filters) {
    Object.keys(filters || {}).forEach(function (name) {
      var values = sum[name] || (sum[name] = {});
      Object.keys(filters[name]).forEach(function (value) {
        values[value] = (values[value] || 0) + filters[name][value];
      });
    });
  });
  return sum;
}

function datesOf(one) {
  if (!one.dates) {
    one.dates = import(new URL('./' + one.shard.path + 'dates.js', here).href).then(function (module) { return module.default; });
  }
  return one.dates;
}

/* The shards' results sorted by date, merged by date: a result's date is its shard's date at the place
   its score gives; on the same date, the shards in their order, each in its own. */
function byDate(all, found, direction) {
  return Promise.all(all.map(function (one, index) {
    return found[index].results.length ? datesOf(one) : [];
  })).then(function (tables) {
    var keyed = [];
    found.forEach(function (search, shard) {
      search.results.forEach(function (result, order) {
        keyed.push({ result: result, date: tables[shard][Math.abs(result.score)], shard: shard, order: order });
      });
    });
    keyed.sort(function (a, b) {
      if (a.date !== b.date) { return (a.date < b.date ? -1 : 1) * direction; }
      return a.shard - b.shard || a.order - b.order;
    });
    return keyed.map(function (item) { return item.result; });
  });
}

export function options(chosen) {
  Object.keys(chosen || {}).forEach(function (name) { settings[name] = chosen[name]; });
  if (!opened) { return Promise.resolve(); }
  return Promise.all(opened.map(function (one) {
    return one.ready.then(function (module) { return module.options(chosen); });
  }));
}

export function filters() {
  var all = open();
  return Promise.all(all.map(function (one) {
    return one.ready.then(function (module) { return module.filters(); });
  })).then(added);
}

export function preload(term, chosen) {
  return Promise.all(open().map(function (one) {
    return one.ready.then(function (module) { return module.preload(term, chosen || {}); });
  }));
}

export function search(term, chosen) {
  chosen = chosen || {};
  var all = open();
  return Promise.all(all.map(function (one) {
    return one.ready.then(function (module) { return module.search(term, chosen); });
  })).then(function (found) {
    found = found.map(function (one) { return one || { results: [], unfilteredResultCount: 0 }; });
    var sort = Object.keys(chosen.sort || {});
    var merged = sort.length === 1 && sort[0] === 'date'
      ? byDate(all, found, chosen.sort.date === 'desc' ? -1 : 1)
      : Promise.resolve([].concat.apply([], found.map(function (one) { return one.results; }))
        .sort(function (a, b) { return b.score - a.score; }));
    return merged.then(function (results) {
      return {
        results: results,
        unfilteredResultCount: found.reduce(function (sum, one) { return sum + (one.unfilteredResultCount || 0); }, 0),
        filters: added(found.map(function (one) { return one.filters; })),
        totalFilters: added(found.map(function (one) { return one.totalFilters; }))
      };
    });
  });
}
