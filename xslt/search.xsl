<?xml version="1.0" encoding="UTF-8"?>
<!--
  search.xsl: what the pages give the search index, the search box of every
  page's header and the search page (a module of the html format,
  toolkit/formats.py; docs/outputs.md, "Search").

  `teikit build` indexes the document pages with Pagefind (toolkit/search.py)
  into html/pagefind/. Pagefind reads the pages' markup:
    data-pagefind-body      the text, its notes and its source note: the words
                            searched and the excerpts shown (html-page.xsl);
    data-pagefind-ignore    inside them, what is not the reading text: the
                            diplomatic forms, paragraph numbers, ¶ and note links;
    data-pagefind-meta      the title, the date and the printed volume of a result;
    data-pagefind-filter    volume, year and type (t:search-record); person and
                            place are the registers' entries, added by the build
                            to the copy of the page it indexes (toolkit/search.py);
    data-pagefind-sort      date: an ISO date (t:search-record).
  A page outside data-pagefind-body is not a result (index, contents pages).
  The search page (html/search/index.html) is a plain form: its script
  (search.js) runs the query through Pagefind's JavaScript API; opened from
  file:// or without JavaScript it says what search needs.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:telegram2477:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all">

  <!-- The address of the search page, from the folder of html/. -->
  <xsl:variable name="t:search-page" as="xs:string" select="'search/index.html'"/>

  <!-- ================================================================== -->
  <!-- The search box of a page's header                                   -->
  <!-- ================================================================== -->

  <!-- A plain GET form to the search page ($up: the way from the page to
       html/), so that it works without JavaScript too. -->
  <xsl:function name="t:search-form" as="element()">
    <xsl:param name="up" as="xs:string"/>
    <form class="site-search" role="search" action="{$up}{$t:search-page}" method="get">
      <label for="site-search-q" class="visually-hidden">Search the documents</label>
      <input type="search" id="site-search-q" name="q" placeholder="Search" autocomplete="off"/>
      <button type="submit">Search</button>
    </form>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- What a document page gives the index                                -->
  <!-- ================================================================== -->

  <!-- The kinds of document a title names, by the word that names them
       ("Telegram From ...", "Memorandum of Conversation", "Circular Airgram",
       "CIA memorandum"): the first of the title's first five words that is
       one of these, else "other". A document's own markup comes first:
       text/@type, or a div/@type that is one of these. -->
  <xsl:variable name="t:document-types" as="map(xs:string, xs:string)" select="map {
    'telegram': 'telegram', 'telegrams': 'telegram', 'cable': 'telegram',
    'airgram': 'airgram', 'despatch': 'despatch', 'dispatch': 'despatch',
    'letter': 'letter', 'letters': 'letter',
    'message': 'message', 'memorandum': 'memorandum', 'memoranda': 'memorandum',
    'note': 'note', 'notes': 'notes', 'minutes': 'minutes', 'record': 'record', 'transcript': 'transcript',
    'paper': 'paper', 'report': 'report', 'estimate': 'intelligence estimate', 'statement': 'statement',
    'communication': 'communication', 'diary': 'diary', 'instructions': 'instructions', 'list': 'list'
    }"/>

  <xsl:function name="t:document-type" as="xs:string">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="marked" as="xs:string*"
      select="($root/TEI/text/@type, $root/TEI/text/body/div/@type) ! lower-case(normalize-space(.))[map:contains($t:document-types, .)]"/>
    <xsl:variable name="title" as="xs:string" select="t:title($root)"/>
    <xsl:variable name="words" as="xs:string*"
      select="subsequence(tokenize(lower-case($title), '[^\p{L}]+')[.], 1, 5)"/>
    <xsl:sequence select="
      if (exists($marked)) then $t:document-types($marked[1])
      else if (matches($title, '^\s*Editorial Note', 'i')) then 'editorial note'
      else (($words[map:contains($t:document-types, .)])[1] ! $t:document-types(.), 'other')[1]"/>
  </xsl:function>

  <!-- "Kuznetsov, Vasily V." from <forename>Vasily</forename> <forename>V.</forename>
       <surname>Kuznetsov</surname>: the form FRUS's lists of names use, so that
       the edition's record and a volume's entry are written alike in the registers. -->
  <xsl:function name="t:filing-name" as="xs:string" cache="yes">
    <xsl:param name="record" as="element()"/>
    <xsl:variable name="pers" as="element()?" select="$record/persName[not(@type = ('alt', 'variant'))][surname][1]"/>
    <xsl:sequence select="if (exists($pers))
      then string-join((string-join($pers/surname ! normalize-space(.), ' '),
        string-join($pers/forename ! normalize-space(.), ' ')[.]), ', ')
      else t:record-name($record)"/>
  </xsl:function>

  <!-- The printed volume: "FRUS 1961–1963, vol. VI". -->
  <xsl:function name="t:search-volume" as="xs:string?">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="m" as="map(xs:string, item()*)" select="t:meta($root)"/>
    <xsl:sequence select="if (exists($m?series)) then string-join((t:series-short($m?series),
      (t:volume-label($root), $m?volume)[1] ! ('vol. ' || .)), ', ') else ()"/>
  </xsl:function>

  <!-- The filters and the sort key of a document page, for Pagefind (outside
       the indexed text, never shown): volume, year, type; date. The filters
       person and place are the registers' merged entries, which no page
       knows alone: the build adds them to the copy of the page it indexes
       (toolkit/library.py, search_filters). -->
  <xsl:function name="t:search-record" as="element()">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="when" as="xs:string?" select="t:when($root)"/>
    <xsl:variable name="parts" as="xs:integer*" select="t:date-parts($when)"/>
    <div class="search-record" hidden="">
      <xsl:for-each select="t:search-volume($root)">
        <span data-pagefind-filter="volume"><xsl:value-of select="."/></span>
      </xsl:for-each>
      <xsl:for-each select="$parts[1]">
        <span data-pagefind-filter="year"><xsl:value-of select="format-number(., '0000')"/></span>
      </xsl:for-each>
      <span data-pagefind-filter="type"><xsl:value-of select="t:document-type($root)"/></span>
      <xsl:if test="exists($parts)">
        <span data-pagefind-sort="date"><xsl:value-of select="t:iso-date($when)"/></span>
        <span data-pagefind-meta="datetime"><xsl:value-of select="t:iso-date($when)"/></span>
      </xsl:if>
    </div>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- The search page                                                     -->
  <!-- ================================================================== -->

  <xsl:function name="t:search-files" as="element(t:file)">
    <xsl:param name="publisher" as="xs:string"/>
    <xsl:sequence select="t:file('html', $t:search-page, t:serialize-html(t:search-page($publisher)))"/>
  </xsl:function>

  <!-- The form works without its script (a GET to this page); search.js
       reads it, runs the search with Pagefind and lists the results under
       it, with filters (fieldsets of checkboxes with counts) and the order.
       The notice stays when the script cannot search: no JavaScript, or
       the page opened from a file rather than over HTTP. -->
  <xsl:function name="t:search-page" as="element()">
    <xsl:param name="publisher" as="xs:string"/>
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <link rel="icon" href="data:,"/>
        <title>Search: <xsl:value-of select="$publisher"/></title>
        <link rel="stylesheet" href="../edition.css"/>
      </head>
      <body class="search-page">
        <a class="skip-link" href="#search-q">Skip to the search</a>
        <header class="site-header">
          <nav aria-label="Edition">
            <ul>
              <li><a href="../index.html"><xsl:value-of select="$publisher"/></a></li>
              <li><a href="index.html" aria-current="page">Search</a></li>
            </ul>
          </nav>
        </header>
        <main id="main">
          <h1>Search the documents</h1>
          <form class="search-form" role="search" action="index.html" method="get" aria-label="Search the documents">
            <div class="search-line">
              <label for="search-q">Words to find</label>
              <input type="search" id="search-q" name="q" autocomplete="off"/>
              <button type="submit">Search</button>
            </div>
            <div class="search-order">
              <label for="search-sort">Order</label>
              <select id="search-sort" name="sort">
                <option value="">Best match first</option>
                <option value="date:asc">Oldest first</option>
                <option value="date:desc">Newest first</option>
              </select>
            </div>
            <div class="search-filters" id="search-filters"></div>
          </form>
          <div class="search-notice" id="search-notice">
            <p><strong>Search needs the site served over HTTP, and JavaScript.</strong>
              Its index (<code>pagefind/</code>) is read by the browser, which does not
              allow that for a page opened from a file. Start the edition's server in the
              folder of the build and open the address it prints:</p>
            <pre><code>teikit serve</code></pre>
            <p>(<code>teikit serve --out DIR</code> for a build elsewhere; it serves on
              <code>http://127.0.0.1:8000/</code>.) Every other page works as it is, with
              no server and no JavaScript: <a href="../index.html">the list of documents</a>.</p>
          </div>
          <p class="search-status" id="search-status" role="status" aria-live="polite"></p>
          <ol class="search-results" id="search-results" aria-label="Results"></ol>
          <p class="search-more-line"><button type="button" class="search-more" id="search-more" hidden="">More results</button></p>
        </main>
        <script src="../search.js"></script>
      </body>
    </html>
  </xsl:function>

</xsl:stylesheet>
