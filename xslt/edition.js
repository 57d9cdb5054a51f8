/* edition.js: the small script of the edition's pages, copied beside them by
   `teikit build`. Nothing from the network. Without it the page is the
   reading view, names link to the index and the source's forms are in
   title attributes; with it:

   - the view (reading / diplomatic) and the "highlight people, places,
     dates" switch, each kept in localStorage and read from the address:
     ?view=diplomatic&highlight=on, or #view=diplomatic (a ¶ link's #id
     keeps working: the query comes before it);
   - cards in place: a name (a.name, whose href points to its record in the
     page's index), an abbreviation or a correction (span.choice with
     data-kind, data-source, data-edited) opens a small dialog beside it on
     click, tap or Enter; Escape, the close button or a click elsewhere
     closes it and focus returns to what opened it;
   - the words a search found (?find=..., the search page's links), marked
     in the text by Pagefind's highlight script (over HTTP only).

   It works from the markup the stylesheets make for any document: no id or
   word of a particular text appears here. */
(function () {
  'use strict';

  var body = document.body;
  /* Where this script was loaded from: the folder of html/, where the search index is. */
  var scriptAddress = document.currentScript ? document.currentScript.src : null;
  var STORE = { view: 'edition.view', highlight: 'edition.highlight' };
  var VIEWS = ['reading', 'diplomatic'];

  function stored(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function store(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* storage off: the choice lasts this visit */ }
  }

  /* ?view=...&highlight=..., else #view=... (a hash with "=" is settings, not an id). */
  function addressSettings() {
    var query = new URLSearchParams(window.location.search);
    var hash = window.location.hash.slice(1);
    var fromHash = hash.indexOf('=') !== -1 ? new URLSearchParams(hash) : new URLSearchParams('');
    return {
      view: query.get('view') || fromHash.get('view'),
      highlight: query.get('highlight') || fromHash.get('highlight')
    };
  }

  /* The address that shows the current settings: the query holds them, the
     hash (a paragraph, a note) stays; #view=... becomes ?view=.... */
  function updateAddress(view, highlight) {
    if (!window.history.replaceState) { return; }
    var query = new URLSearchParams(window.location.search);
    if (view === 'reading') { query.delete('view'); } else { query.set('view', view); }
    if (highlight) { query.set('highlight', 'on'); } else { query.delete('highlight'); }
    var hash = window.location.hash.indexOf('=') !== -1 ? '' : window.location.hash;
    var search = query.toString();
    window.history.replaceState(window.history.state, '',
      window.location.pathname + (search ? '?' + search : '') + hash);
  }

  /* ---------------------------------------------------------------- views */

  var controls = document.querySelector('.text-controls');
  var viewButtons = controls ? controls.querySelectorAll('.view-switch button') : [];
  var highlightButton = controls ? controls.querySelector('.highlight-switch') : null;
  var state = { view: 'reading', highlight: false };

  function apply() {
    body.classList.toggle('view-diplomatic', state.view === 'diplomatic');
    body.classList.toggle('view-reading', state.view !== 'diplomatic');
    body.classList.toggle('highlight-names', state.highlight);
    for (var i = 0; i !== viewButtons.length; i += 1) {
      viewButtons[i].setAttribute('aria-pressed', String(viewButtons[i].getAttribute('data-view') === state.view));
    }
    if (highlightButton) { highlightButton.setAttribute('aria-pressed', String(state.highlight)); }
  }

  function choose(view, highlight) {
    state.view = view;
    state.highlight = highlight;
    store(STORE.view, view);
    store(STORE.highlight, highlight ? 'on' : 'off');
    apply();
    updateAddress(view, highlight);
  }

  if (controls) {
    var asked = addressSettings();
    var view = asked.view || stored(STORE.view);
    var highlight = asked.highlight || stored(STORE.highlight);
    state.view = VIEWS.indexOf(view) !== -1 ? view : 'reading';
    state.highlight = highlight === 'on';
    apply();
    if (window.location.hash.indexOf('=') !== -1) { updateAddress(state.view, state.highlight); }
    for (var b = 0; b !== viewButtons.length; b += 1) {
      viewButtons[b].addEventListener('click', function () { choose(this.getAttribute('data-view'), state.highlight); });
    }
    if (highlightButton) {
      highlightButton.addEventListener('click', function () { choose(state.view, !state.highlight); });
    }
    controls.hidden = false;
  }

  /* ------------------------------------------------------- search words */

  /* The words a search found (?find=..., which the search page's result
     links carry) are marked in the text by Pagefind's highlight script, in
     the index folder beside this script. Over HTTP only: the page opened
     from a file, or without JavaScript, is the same page without marks. */
  var FIND_PARAM = 'find';
  if (new URLSearchParams(window.location.search).get(FIND_PARAM) && /^https?:$/.test(window.location.protocol)
      && scriptAddress) {
    import(new URL('pagefind/pagefind-highlight.js', scriptAddress).href).then(function (module) {
      var Highlight = module['default'] || window.PagefindHighlight;
      new Highlight({
        highlightParam: FIND_PARAM,
        markContext: null,
        markOptions: { className: 'search-hit', exclude: ['[data-pagefind-ignore]', '[data-pagefind-ignore] *'] },
        addStyles: false
      });
      var first = document.querySelector('mark.search-hit');
      if (first && !window.location.hash) { first.scrollIntoView({ block: 'center' }); }
      body.classList.add('has-search-hits');
    }, function () { /* no index beside the pages: the page stays as it is */ });
  }

  /* ---------------------------------------------------------------- cards */

  var text = document.getElementById('text');
  if (!text) { return; }

  var KIND_TITLES = {
    expansion: 'Abbreviation',
    acronym: 'Acronym',
    correction: 'Correction',
    regularisation: 'Regularised spelling'
  };

  /* What a card says about an editorial choice: [label, value] rows. */
  function choiceRows(choice) {
    var kind = choice.getAttribute('data-kind');
    var source = choice.getAttribute('data-source');
    var edited = choice.getAttribute('data-edited');
    if (kind === 'expansion') {
      return [['The source has', source], ['Expanded to', edited]];
    }
    if (kind === 'acronym') {
      return [['As written', source], ['Stands for', edited]];
    }
    if (kind === 'correction') {
      return [['The source reads', source], ['Corrected to', edited]];
    }
    return [['The source reads', source], ['Regularised to', edited]];
  }

  var card = document.createElement('div');
  card.className = 'card';
  card.id = 'card';
  card.setAttribute('role', 'dialog');
  card.setAttribute('aria-labelledby', 'card-title');
  card.tabIndex = -1;
  card.hidden = true;
  body.appendChild(card);
  var opener = null;

  function element(tag, className, content) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (content) { e.textContent = content; }
    return e;
  }

  function rowsList(rows) {
    var list = element('dl', 'card-rows');
    rows.forEach(function (row) {
      list.appendChild(element('dt', '', row[0]));
      list.appendChild(element('dd', '', row[1]));
    });
    return list;
  }

  /* A name's card: its record from the page's index (the <dt> the link
     points to and the <dd> after it), the choices inside the name, and a
     link to the index entry. */
  function fillNameCard(link) {
    var record = document.getElementById(link.getAttribute('href').slice(1));
    card.appendChild(element('h2', 'card-title', record ? record.textContent : link.textContent));
    if (record && record.nextElementSibling && record.nextElementSibling.tagName === 'DD') {
      var details = record.nextElementSibling.cloneNode(true);
      details.className = 'card-record';
      details.querySelectorAll('[id]').forEach(function (e) { e.removeAttribute('id'); });
      var wrapper = element('div', 'card-record');
      while (details.firstChild) { wrapper.appendChild(details.firstChild); }
      card.appendChild(wrapper);
    }
    link.querySelectorAll('.choice[data-kind]').forEach(function (choice) {
      card.appendChild(element('p', 'card-kind', KIND_TITLES[choice.getAttribute('data-kind')] || 'Editorial change'));
      card.appendChild(rowsList(choiceRows(choice)));
    });
    if (record) {
      var more = element('p', 'card-more');
      var index = element('a', '', 'Entry in the index');
      index.href = link.getAttribute('href');
      more.appendChild(index);
      card.appendChild(more);
    }
  }

  function fillChoiceCard(choice) {
    card.appendChild(element('h2', 'card-title', KIND_TITLES[choice.getAttribute('data-kind')] || 'Editorial change'));
    card.appendChild(rowsList(choiceRows(choice)));
  }

  function place(trigger) {
    var box = trigger.getBoundingClientRect();
    var width = Math.min(card.offsetWidth, document.documentElement.clientWidth - 16);
    var left = Math.max(8, Math.min(box.left, document.documentElement.clientWidth - width - 8));
    card.style.left = (left + window.scrollX) + 'px';
    /* below the trigger; above it when only there it fits on the screen */
    var height = card.offsetHeight;
    var below = box.bottom + 6 + height <= window.innerHeight || box.top - 6 - height < 0;
    card.style.top = ((below ? box.bottom + 6 : box.top - 6 - height) + window.scrollY) + 'px';
  }

  function close(returnFocus) {
    if (card.hidden) { return; }
    card.hidden = true;
    if (opener) {
      opener.setAttribute('aria-expanded', 'false');
      if (returnFocus) { opener.focus(); }
    }
    opener = null;
  }

  function open(trigger) {
    if (opener === trigger && !card.hidden) { close(true); return; }
    close(false);
    card.textContent = '';
    card.title = '';
    var heading;
    if (trigger.matches('a.name')) { fillNameCard(trigger); } else { fillChoiceCard(trigger); }
    heading = card.querySelector('.card-title');
    heading.id = 'card-title';
    var shut = element('button', 'card-close');
    shut.type = 'button';
    shut.setAttribute('aria-label', 'Close');
    shut.textContent = '×';
    shut.addEventListener('click', function () { close(true); });
    card.insertBefore(shut, card.firstChild);
    card.hidden = false;
    place(trigger);
    opener = trigger;
    trigger.setAttribute('aria-expanded', 'true');
    card.focus();
  }

  /* Names open their card instead of jumping to the index; a choice outside
     a name becomes a button of its own (inside a name, the name's card tells
     of it: controls do not nest). */
  var names = text.querySelectorAll('a.name[href^="#"]');
  names.forEach(function (link) {
    link.setAttribute('aria-haspopup', 'dialog');
    link.setAttribute('aria-expanded', 'false');
    link.setAttribute('aria-controls', 'card');
  });
  var choices = text.querySelectorAll('.choice[data-kind]');
  choices.forEach(function (choice) {
    if (choice.closest('a')) { return; }
    choice.tabIndex = 0;
    choice.setAttribute('role', 'button');
    choice.setAttribute('aria-haspopup', 'dialog');
    choice.setAttribute('aria-expanded', 'false');
    choice.setAttribute('aria-controls', 'card');
    choice.classList.add('card-trigger');
  });

  text.addEventListener('click', function (event) {
    var trigger = event.target.closest('a.name[href^="#"], .choice.card-trigger');
    if (!trigger || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    open(trigger);
  });
  text.addEventListener('keydown', function (event) {
    var trigger = event.target.closest('.choice.card-trigger');
    if (trigger && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      open(trigger);
    }
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && !card.hidden) {
      event.preventDefault();
      close(true);
    }
  });
  document.addEventListener('click', function (event) {
    if (!card.hidden && !card.contains(event.target) && !(opener && opener.contains(event.target))) {
      close(false);
    }
  });
  card.addEventListener('click', function (event) {
    /* following the card's own link to the index closes the card */
    if (event.target.closest('a[href^="#"]')) { close(false); }
  });
}());
