/* search.js: the script of the search page (html/search/index.html), copied
   beside the pages by `teikit build`. Nothing from the network.

   The page is a plain form (words, order, filters) that works as a GET to
   itself; this script runs it through Pagefind's JavaScript API, over every
   shard of the index the build writes (html/pagefind/shards.js: the same
   calls as Pagefind's pagefind.js, the shards merged) and lists the
   documents found under it:

   - each result is a document: its title linked to the paragraph where the
     words are first found (the page's ¶ ids), with ?find=WORDS so that the
     page it opens marks them (edition.js), the printed volume and date, and
     an excerpt with the words marked;
   - filters volume, year, type, person and place: checkboxes with the
     number of documents each would give (values of one filter are OR-ed,
     filters AND-ed), made when their group is opened; of a large filter
     (persons, places) the values most documents have, and "Show all"; the order: best match, or by date (sort key "date"),
     the undated documents after the dated ones;
   - the address keeps the search (?q=...&sort=date:asc&year=1962), so it
     can be linked, reloaded and gone back to.

   Opened from a file, the page keeps its notice (search needs HTTP, and how
   to start `teikit serve`) and this script does nothing. */
(function () {
  'use strict';

  var form = document.querySelector('form.search-form');
  var input = document.getElementById('search-q');
  var order = document.getElementById('search-sort');
  var filtersBox = document.getElementById('search-filters');
  var notice = document.getElementById('search-notice');
  var status = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  var more = document.getElementById('search-more');
  if (!form || !input || !list || !/^https?:$/.test(window.location.protocol)) { return; }

  /* The filters the index has (xslt/search.xsl), in the order shown. */
  var FILTERS = [['volume', 'Volume'], ['year', 'Year'], ['type', 'Kind of document'],
                 ['person', 'Person'], ['place', 'Place']];
  var FIND_PARAM = 'find';
  var PAGE = 10;

  var pagefind = null;
  var totals = {};
  var results = [];
  var shown = 0;
  var generation = 0;
  var typing = null;
  var built = false;

  function say(message) { status.textContent = message; }

  /* ------------------------------------------------------------ the address */

  function fromAddress() {
    var query = new URLSearchParams(window.location.search);
    var chosen = {};
    FILTERS.forEach(function (filter) { chosen[filter[0]] = query.getAll(filter[0]); });
    return { q: query.get('q') || '', sort: query.get('sort') || '', filters: chosen };
  }

  /* The search the form asks for; before the filters' groups are made (the filters load after the
     page's first search), the values chosen are the address's. */
  function fromForm() {
    var chosen = {};
    var address = built ? null : fromAddress();
    FILTERS.forEach(function (filter) {
      chosen[filter[0]] = address ? address.filters[filter[0]] : Array.prototype.map.call(
        filtersBox.querySelectorAll('input[name="' + filter[0] + '"]:checked'), function (box) { return box.value; });
    });
    return { q: input.value.trim(), sort: order ? order.value : '', filters: chosen };
  }

  function toForm(wanted) {
    input.value = wanted.q;
    if (order) { order.value = wanted.sort; }
    FILTERS.forEach(function (filter) {
      if (wanted.filters[filter[0]].length) { fillGroup(filter[0], wanted.filters[filter[0]]); }
      var boxes = filtersBox.querySelectorAll('input[name="' + filter[0] + '"]');
      for (var i = 0; i !== boxes.length; i += 1) {
        boxes[i].checked = wanted.filters[filter[0]].indexOf(boxes[i].value) !== -1;
      }
    });
    openChosen();
  }

  function toAddress(wanted, push) {
    var query = new URLSearchParams();
    if (wanted.q) { query.set('q', wanted.q); }
    if (wanted.sort) { query.set('sort', wanted.sort); }
    FILTERS.forEach(function (filter) {
      wanted.filters[filter[0]].forEach(function (value) { query.append(filter[0], value); });
    });
    var search = query.toString();
    var address = window.location.pathname + (search ? '?' + search : '');
    if (address === window.location.pathname + window.location.search) { return; }
    window.history[push ? 'pushState' : 'replaceState'](null, '', address);
  }

  /* ------------------------------------------------------------ the filters */

  /* A filter's checkboxes are made when its group is first opened (or a value
     of it is chosen), not with the page: a library has a value per person and
     place, some 1,500, and counting them all at every search took most of a
     first query. A filter of more than MANY values shows the SHOWN that most
     documents have, in that order, and a button that shows the others; a
     smaller one shows all, in their own order (years, volumes, kinds). Only
     the checkboxes shown get their counts at each search. The order is fixed
     when a group is made (by the counts over all documents), so that the
     boxes do not move under the keyboard or the pointer as counts change. */
  var MANY = 15;
  var SHOWN = 10;
  var lastCounts = {};
  var orders = {};

  function naturalOrder(values) {
    return values.sort(function (a, b) {
      return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });
    });
  }

  function orderedValues(name) {
    if (!orders[name]) {
      var counts = totals[name] || {};
      var values = naturalOrder(Object.keys(counts));
      orders[name] = values.length <= MANY ? values
        : values.sort(function (a, b) { return (counts[b] || 0) - (counts[a] || 0); });
    }
    return orders[name];
  }

  function group(name) {
    return filtersBox.querySelector('details[data-filter="' + name + '"]');
  }

  function buildFilters() {
    filtersBox.textContent = '';
    built = true;
    lastCounts = totals;
    FILTERS.forEach(function (filter) {
      var name = filter[0];
      if (!Object.keys(totals[name] || {}).length) { return; }
      var details = document.createElement('details');
      details.className = 'search-filter';
      details.setAttribute('data-filter', name);
      var summary = document.createElement('summary');
      summary.textContent = filter[1];
      var chosen = document.createElement('span');
      chosen.className = 'search-chosen';
      summary.appendChild(chosen);
      details.appendChild(summary);
      details.addEventListener('toggle', function () {
        if (details.open) { fillGroup(name, []); }
      });
      filtersBox.appendChild(details);
    });
  }

  /* The group's checkboxes, made once: the first SHOWN values (all of a small
     filter) and those in ``wanted``; the others on "Show all". */
  function fillGroup(name, wanted) {
    var details = group(name);
    if (!details) { return; }
    var fieldset = details.querySelector('fieldset');
    if (!fieldset) {
      var label = FILTERS.filter(function (filter) { return filter[0] === name; })[0][1];
      fieldset = document.createElement('fieldset');
      var legend = document.createElement('legend');
      legend.className = 'visually-hidden';
      legend.textContent = label;
      fieldset.appendChild(legend);
      fieldset.appendChild(document.createElement('ul'));
      details.appendChild(fieldset);
      var values = orderedValues(name);
      addBoxes(name, values.slice(0, values.length <= MANY ? values.length : SHOWN));
      if (values.length > MANY) {
        var all = document.createElement('button');
        all.type = 'button';
        all.className = 'search-show-all';
        all.textContent = 'Show all ' + values.length.toLocaleString('en');
        all.addEventListener('click', function () {
          var first = addBoxes(name, values);
          all.remove();
          if (first) { first.focus(); }
        });
        fieldset.appendChild(all);
      }
    }
    addBoxes(name, wanted);
  }

  /* Checkboxes for the ``values`` of a filter that have none yet, with their
     counts, the list kept in the filter's order; the first one made. */
  function addBoxes(name, values) {
    var items = group(name).querySelector('ul');
    var present = {};
    Array.prototype.forEach.call(items.children, function (item) {
      present[item.firstElementChild.value] = item;
    });
    var adding = {};
    values.forEach(function (value) { if (!present[value]) { adding[value] = true; } });
    if (!Object.keys(adding).length) { return null; }
    var first = null;
    var list = document.createDocumentFragment();
    orderedValues(name).forEach(function (value, index) {
      var item = present[value];
      if (!item && adding[value]) {
        item = checkbox(name, value, index);
        first = first || item.firstElementChild;
      }
      if (item) { list.appendChild(item); }
    });
    items.appendChild(list);
    return first;
  }

  function checkbox(name, value, index) {
    var item = document.createElement('li');
    var box = document.createElement('input');
    box.type = 'checkbox';
    box.name = name;
    box.value = value;
    box.id = 'filter-' + name + '-' + index;
    var label = document.createElement('label');
    label.htmlFor = box.id;
    label.appendChild(document.createTextNode(value + ' '));
    var count = document.createElement('span');
    count.className = 'search-count';
    label.appendChild(count);
    item.appendChild(box);
    item.appendChild(label);
    countOf(box, lastCounts);
    return item;
  }

  function countOf(box, counts) {
    var n = (counts[box.name] || {})[box.value] || 0;
    box.nextElementSibling.querySelector('.search-count').textContent =
      '(' + n + ' document' + (n === 1 ? '' : 's') + ')';
  }

  /* "(12)": the documents a value gives with the words and the other choices. */
  function showCounts(counts) {
    lastCounts = counts;
    var boxes = filtersBox.querySelectorAll('input[type="checkbox"]');
    for (var i = 0; i !== boxes.length; i += 1) { countOf(boxes[i], counts); }
    openChosen();
  }

  function openChosen() {
    var groups = filtersBox.querySelectorAll('details.search-filter');
    for (var i = 0; i !== groups.length; i += 1) {
      var n = groups[i].querySelectorAll('input:checked').length;
      groups[i].querySelector('.search-chosen').textContent = n ? ' (' + n + ' chosen)' : '';
      if (n) { groups[i].open = true; }
    }
  }

  /* ------------------------------------------------------------ the results */

  /* The paragraph where the words are first found: the last paragraph (or
     list item) with an id that starts at or before the first match. */
  function paragraph(data) {
    var first = data.locations && data.locations.length ? data.locations[0] : null;
    var found = null;
    if (first === null) { return null; }
    (data.anchors || []).forEach(function (anchor) {
      if ((anchor.element === 'p' || anchor.element === 'li' || anchor.element === 'div') && anchor.id
          && anchor.location <= first && (!found || anchor.location >= found.location)) {
        found = anchor;
      }
    });
    return found ? found.id : null;
  }

  /* Pagefind's excerpt is text with <mark> around the words found: built as
     text nodes and <mark> elements, never parsed as HTML. */
  function decode(text) {
    var area = document.createElement('textarea');
    area.innerHTML = text;
    return area.value;
  }

  function excerpt(html) {
    var p = document.createElement('p');
    p.className = 'search-excerpt';
    var marked = false;
    html.split(/(<mark>|<\/mark>)/).forEach(function (part) {
      if (part === '<mark>') { marked = true; return; }
      if (part === '</mark>') { marked = false; return; }
      if (!part) { return; }
      var node = document.createTextNode(decode(part));
      if (marked) {
        var mark = document.createElement('mark');
        mark.appendChild(node);
        p.appendChild(mark);
      } else {
        p.appendChild(node);
      }
    });
    return p;
  }

  function resultItem(data) {
    var item = document.createElement('li');
    var article = document.createElement('article');
    var heading = document.createElement('h2');
    var link = document.createElement('a');
    var anchor = paragraph(data);
    link.href = data.url + (anchor ? '#' + anchor : '');
    link.textContent = (data.meta && data.meta.title) || data.url;
    heading.appendChild(link);
    article.appendChild(heading);
    var facts = [data.meta.printed, data.meta.date].filter(Boolean);
    if (facts.length) {
      var line = document.createElement('p');
      line.className = 'search-facts';
      line.textContent = facts.join(' · ');
      article.appendChild(line);
    }
    if (data.excerpt) { article.appendChild(excerpt(data.excerpt)); }
    item.appendChild(article);
    return item;
  }

  function showMore(focus) {
    var slice = results.slice(shown, shown + PAGE);
    shown += slice.length;
    return Promise.all(slice.map(function (result) { return result.data(); })).then(function (datas) {
      var firstNew = null;
      datas.forEach(function (data) {
        var item = resultItem(data);
        firstNew = firstNew || item;
        list.appendChild(item);
      });
      more.hidden = shown >= results.length;
      if (focus && firstNew) { firstNew.querySelector('a').focus(); }
    });
  }

  function describe(wanted, n) {
    var what = n === 0 ? 'No document' : n + ' document' + (n === 1 ? '' : 's');
    var chosen = [];
    FILTERS.forEach(function (filter) {
      if (wanted.filters[filter[0]].length) {
        chosen.push(filter[1].toLowerCase() + ' ' + wanted.filters[filter[0]].join(' or '));
      }
    });
    return what + ' found' + (wanted.q ? ' for “' + wanted.q + '”' : '') +
      (chosen.length ? ' (' + chosen.join('; ') + ')' : '') +
      (n > PAGE ? ', the first ' + Math.min(n, PAGE) + ' shown.' : '.');
  }

  /* The filters chosen, as Pagefind takes them. */
  function filtersOf(wanted) {
    var filters = {};
    FILTERS.forEach(function (filter) {
      if (wanted.filters[filter[0]].length) { filters[filter[0]] = { any: wanted.filters[filter[0]] }; }
    });
    return filters;
  }

  function run(push) {
    window.clearTimeout(typing);
    var wanted = fromForm();
    toAddress(wanted, push);
    var filters = filtersOf(wanted);
    var mine = (generation += 1);
    if (!wanted.q && !Object.keys(filters).length) {
      results = [];
      shown = 0;
      list.textContent = '';
      more.hidden = true;
      showCounts(totals);
      say('');
      return Promise.resolve();
    }
    var options = { filters: filters };
    if (wanted.sort) {
      var parts = wanted.sort.split(':');
      options.sort = {};
      options.sort[parts[0]] = parts[1] === 'desc' ? 'desc' : 'asc';
    }
    say('Searching…');
    /* Sorted by date, Pagefind leaves out the documents without one: they
       follow the dated ones, from the same search unsorted. */
    var searches = [pagefind.search(wanted.q || null, options)];
    if (options.sort) { searches.push(pagefind.search(wanted.q || null, { filters: filters })); }
    return Promise.all(searches).then(function (found) {
      var search = found[0];
      if (mine !== generation || !search) { return null; }
      results = search.results;
      if (found[1]) {
        var dated = {};
        results.forEach(function (result) { dated[result.id] = true; });
        results = results.concat(found[1].results.filter(function (result) { return !dated[result.id]; }));
        search = found[1];
      }
      shown = 0;
      list.textContent = '';
      showCounts(search.filters || {});
      return showMore(false).then(function () {
        if (mine === generation) { say(describe(wanted, results.length)); }
      });
    });
  }

  /* ------------------------------------------------------------ starting */

  function unavailable() {
    say('Search is not available here: the index (pagefind/ beside the pages) could not be loaded. ' +
        'Build the site with `teikit build` (not --no-search) and serve it with `teikit serve`.');
  }

  /* The counts of the search shown (the form's), once the filters are loaded: a search made before
     they were has none (Pagefind counts the filters it has loaded). A search started meanwhile shows
     its own counts when it ends; so these are asked for again if one has. */
  function currentCounts() {
    var mine = generation;
    var wanted = fromForm();
    var filters = filtersOf(wanted);
    if (!wanted.q && !Object.keys(filters).length) { return Promise.resolve(totals); }
    return pagefind.search(wanted.q || null, { filters: filters }).then(function (search) {
      return mine === generation ? (search && search.filters) || {} : currentCounts();
    });
  }

  /* The filters' groups, made from the counts over every document (Pagefind's filters()), with the
     counts of the search shown (``recount``) or, when a search is to follow, over every document. */
  function loadFilters(recount) {
    return pagefind.filters().then(function (counts) {
      totals = counts || {};
      return recount ? currentCounts() : totals;
    }).then(function (counts) {
      var wanted = fromForm();
      buildFilters();
      toForm(wanted);
      showCounts(counts);
    });
  }

  function listen() {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      run(true);
    });
    input.addEventListener('input', function () {
      window.clearTimeout(typing);
      typing = window.setTimeout(function () { run(false); }, 300);
    });
    if (order) { order.addEventListener('change', function () { run(false); }); }
    filtersBox.addEventListener('change', function () { run(false); });
    more.addEventListener('click', function () { showMore(true); });
    window.addEventListener('popstate', function () {
      toForm(fromAddress());
      run(false);
    });
  }

  /* The page's first search (the address's) comes before its filters: loading them (every shard's
     filter files) would make it wait, and a search made once they are loaded counts every value of
     every filter. So the words of the address are searched first, and the filters loaded after its
     results are listed, with the counts of the search shown. An address that chooses filter values
     needs their checkboxes to show them chosen: then the filters are loaded first. The page is ready
     (body.search-ready) once the filters are there too. */
  import(new URL('../pagefind/shards.js', window.location.href).href).then(function (module) {
    pagefind = module;
    return pagefind.options({ highlightParam: FIND_PARAM, excerptLength: 30 });
  }).then(function () {
    var wanted = fromAddress();
    if (notice) { notice.hidden = true; }
    var chosen = FILTERS.some(function (filter) { return wanted.filters[filter[0]].length; });
    toForm(wanted);
    var first = chosen ? loadFilters(false).then(function () { return run(false); })
      : run(false).then(function () { return loadFilters(true); });
    listen();
    return first;
  }).then(function () {
    document.body.classList.add('search-ready');
  }).catch(unavailable);
}());
