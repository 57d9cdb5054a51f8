<?xml version="1.0" encoding="UTF-8"?>
<!--
  html-page.xsl: the reading edition as standalone HTML pages (a module,
  included by the build's entry: toolkit/formats.py).

  t:html-files(TEI document) gives one file, <id>.html, a page that works
  offline from file:// (local edition.css, a few lines of inline script,
  nothing from the network) with:
    - <head>: title, Highwire Press citation_* tags (read by Zotero's Embedded
      Metadata translator: they describe the FRUS document as a book section)
      and Dublin Core DC.* tags (they describe this web page);
    - the header metadata, the text (html-text.xsl) with numbered paragraphs
      and ¶ links, the footnotes with back links, the source note, an index of
      the people, places and organisations named, and "Cite this document";
    - a reading / diplomatic view switch (script), the reading view without it.
  t:index-files(edition manifest: <t:edition><t:document href="file:..."
  page="x.html"/>...</t:edition>, made by toolkit/transform.py) gives
  index.html, the list of the edition's documents.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:telegram2477:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all">

  <!-- The index headings for each kind of authority record, in page order. -->
  <xsl:variable name="t:kinds" as="map(xs:string, xs:string)"
    select="map { 'person': 'People', 'place': 'Places', 'org': 'Organisations', 'name': 'Other names' }"/>
  <xsl:variable name="t:kind-order" as="xs:string+" select="('person', 'place', 'org', 'name')"/>

  <!-- The files of the HTML output for a TEI document: its page, and the
       page's card for the index (t:index-card). -->
  <xsl:function name="t:html-files" as="element()+">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="card" as="element(t:card)" select="t:index-card($root, t:page-name($root))"/>
    <xsl:sequence select="(if ($t:spool) then t:file('html', t:page-name($root), '', 'spooled')
                           else t:file('html', t:page-name($root), t:serialize-html(t:page($root)))),
      $card, t:library-record($root, $card)"/>
  </xsl:function>

  <!-- A large document's page, written by Saxon to $t:spool (edition.xsl):
       the page's events go from the templates to the serialiser, with the
       serialisation t:serialize-html gives its text (the same bytes). -->
  <xsl:template match="document-node(element(TEI))" mode="t:spool" as="empty-sequence()">
    <xsl:if test="tokenize($t:formats) = 'html'">
      <xsl:result-document href="{$t:spool}" method="html" html-version="5.0" indent="no"
        include-content-type="no" encoding="UTF-8">
        <xsl:sequence select="t:page(.)"/>
        <xsl:text>&#10;</xsl:text>
      </xsl:result-document>
    </xsl:if>
  </xsl:template>

  <!-- The edition's index page, for a manifest of its documents. -->
  <xsl:function name="t:index-files" as="element(t:file)+">
    <xsl:param name="edition" as="element(t:edition)"/>
    <xsl:sequence select="t:file('html', 'index.html', t:serialize-html(t:index-page($edition))),
      t:search-files(string((t:index-cards($edition)/@publisher, 'TEI edition')[1]))"/>
  </xsl:function>

  <!-- The build asks for the index page with an edition manifest. -->
  <xsl:template match="document-node(element(t:edition))" priority="2" as="xs:string*">
    <xsl:sequence select="t:envelope(t:index-files(t:edition))"/>
  </xsl:template>

  <!-- ================================================================== -->
  <!-- The document page                                                   -->
  <!-- ================================================================== -->

  <xsl:function name="t:page" as="element()">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="title" as="xs:string" select="t:title($root)"/>
    <xsl:variable name="subtitle" as="xs:string?" select="t:subtitle($root)"/>
    <html lang="{t:language($root)}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <link rel="icon" href="data:,"/>
        <title><xsl:value-of select="string-join(($title, $subtitle), ', ')"/></title>
        <xsl:for-each select="t:summary($root)">
          <meta name="description" content="{.}"/>
        </xsl:for-each>
        <link rel="stylesheet" href="{t:up($root)}edition.css"/>
        <link rel="canonical" href="{t:page-url($root)}"/>
        <xsl:sequence select="t:highwire($root)"/>
        <xsl:sequence select="t:dublin-core($root)"/>
      </head>
      <body class="view-reading">
        <a class="skip-link" href="#text">Skip to the text</a>
        <header class="site-header">
          <nav aria-label="Edition">
            <ul>
              <li><a href="index.html"><xsl:value-of select="($t:site-title[normalize-space()], t:edition-publisher($root), 'Edition')[1]"/></a></li>
              <li><a href="#text">Text</a></li>
              <xsl:if test="exists(t:footnotes($root))">
                <li><a href="#notes">Notes</a></li>
              </xsl:if>
              <li><a href="#names">Names</a></li>
              <li><a href="#cite">Cite</a></li>
            </ul>
            <xsl:sequence select="t:search-form(t:up($root))"/>
          </nav>
        </header>
        <main id="main">
          <xsl:sequence select="t:sequence-nav($root)"/>
          <article class="document">
            <xsl:sequence select="t:document-header($root)"/>
            <div class="document-body">
              <section id="text" class="text" aria-labelledby="text-heading" data-pagefind-body="">
                <div class="text-heading" data-pagefind-ignore="">
                  <h2 id="text-heading">Text</h2>
                  <div class="text-controls" hidden="">
                    <div class="view-switch" role="group" aria-label="Text view">
                      <button type="button" data-view="reading" aria-pressed="true">Reading</button>
                      <button type="button" data-view="diplomatic" aria-pressed="false">Diplomatic</button>
                    </div>
                    <button type="button" class="highlight-switch" aria-pressed="false">Highlight people, places, dates</button>
                  </div>
                </div>
                <p class="view-note" data-pagefind-ignore="">
                  <span class="reading-only">Reading text: telegraphic abbreviations are
                    <span class="expan-sample">expanded</span> and typing errors
                    <span class="corr-sample">corrected</span>; standard acronyms stay as written.
                    Choose a name, an abbreviation or a correction to see the record or the source's form.</span>
                  <span class="diplomatic-only">Diplomatic text: abbreviations and errors as the source has them.</span>
                </p>
                <xsl:apply-templates select="$root/TEI/text" mode="t:flow"/>
              </section>
              <xsl:sequence select="t:about-panel($root)"/>
            </div>
            <xsl:sequence select="t:notes-section($root)"/>
            <xsl:sequence select="t:source-section($root)"/>
            <xsl:sequence select="t:names-section($root)"/>
            <xsl:sequence select="t:cite-section($root)"/>
          </article>
        </main>
        <xsl:sequence select="t:search-record($root)"/>
        <xsl:sequence select="t:page-footer($root)"/>
        <script src="{t:up($root)}edition.js"></script>
      </body>
    </html>
  </xsl:function>

  <!-- The previous and next document and the contents of the volume the
       page belongs to (collection.xsl marks them on the TEI element). -->
  <xsl:function name="t:sequence-nav" as="element()?">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="tei" as="element()" select="$root/*"/>
    <xsl:if test="exists(t:collection($root))">
      <nav class="sequence" aria-label="Documents of the volume">
        <ul>
          <xsl:for-each select="$tei/@t:prev">
            <li><a rel="prev" href="{.}.html">Previous: <xsl:value-of select="$tei/@t:prev-title"/></a></li>
          </xsl:for-each>
          <li><a href="index.html">Contents</a></li>
          <xsl:for-each select="$tei/@t:next">
            <li><a rel="next" href="{.}.html">Next: <xsl:value-of select="$tei/@t:next-title"/></a></li>
          </xsl:for-each>
        </ul>
      </nav>
    </xsl:if>
  </xsl:function>

  <!-- Highwire Press tags, as Zotero's Embedded Metadata translator reads them
       (docs/outputs.md has the mapping): the FRUS document as a section
       (citation_book_title: bookSection) of the printed volume, dated by the
       volume's year, "Document 256" as its pages (citation_firstpage), the
       series with its subseries (Zotero reads no series number), editors as
       "Family, Given". The sender is a body: given as "Name," (a family name
       with an empty given name), which Zotero keeps whole as one last name,
       where "Name" alone would be split into first and last name; it must be
       a citation_author, since Zotero drops DC.creator as soon as any
       citation_author or citation_editor is present. -->
  <xsl:function name="t:highwire" as="element()*">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="m" as="map(xs:string, item()*)" select="t:meta($root)"/>
    <xsl:variable name="printed" as="xs:boolean" select="exists($m?series)"/>
    <meta name="citation_title" content="{$m?title}"/>
    <xsl:for-each select="$m?sender">
      <meta name="citation_author" content="{t:strip-the(.)},"/>
    </xsl:for-each>
    <xsl:for-each select="if ($printed) then $m?pub-year else t:slash-date($m?when)">
      <meta name="citation_date" content="{.}"/>
    </xsl:for-each>
    <xsl:if test="$printed">
      <meta name="citation_book_title" content="{($m?volume-title, $m?series)[1]}"/>
      <xsl:if test="exists($m?volume-title)">
        <meta name="citation_series_title" content="{$m?series}"/>
      </xsl:if>
      <xsl:for-each select="$m?volume">
        <meta name="citation_volume" content="{.}"/>
      </xsl:for-each>
      <xsl:for-each select="$m?location">
        <meta name="citation_firstpage" content="{.}"/>
      </xsl:for-each>
      <xsl:for-each select="$m?editors">
        <meta name="citation_editor" content="{@family}, {@given}"/>
      </xsl:for-each>
      <xsl:for-each select="$m?publisher">
        <meta name="citation_publisher" content="{.}"/>
      </xsl:for-each>
    </xsl:if>
    <xsl:for-each select="$m?language">
      <meta name="citation_language" content="{.}"/>
    </xsl:for-each>
    <xsl:if test="exists($m?keywords)">
      <meta name="citation_keywords" content="{string-join($m?keywords, '; ')}"/>
    </xsl:if>
    <meta name="citation_public_url" content="{$m?url}"/>
  </xsl:function>

  <!-- Dublin Core: this page. -->
  <xsl:function name="t:dublin-core" as="element()*">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="m" as="map(xs:string, item()*)" select="t:meta($root)"/>
    <link rel="schema.DC" href="http://purl.org/dc/elements/1.1/"/>
    <meta name="DC.title" content="{$m?title}"/>
    <xsl:for-each select="$m?sender">
      <meta name="DC.creator" content="{.}"/>
    </xsl:for-each>
    <xsl:for-each select="t:iso-date($m?when)">
      <meta name="DC.date" content="{.}"/>
    </xsl:for-each>
    <xsl:for-each select="$m?edition">
      <meta name="DC.publisher" content="{.}"/>
    </xsl:for-each>
    <meta name="DC.type" content="Text"/>
    <meta name="DC.format" content="text/html"/>
    <meta name="DC.language" content="{$m?language}"/>
    <meta name="DC.identifier" content="{$m?url}"/>
    <xsl:if test="exists($m?series)">
      <meta name="DC.source" content="{t:rich-text(t:citation($root, 'chicago-bibliography', ()))}"/>
    </xsl:if>
    <xsl:for-each select="t:licences($root)">
      <meta name="DC.rights" content="{t:plain(.)}"/>
    </xsl:for-each>
    <xsl:for-each select="t:keywords($root)">
      <meta name="DC.subject" content="{.}"/>
    </xsl:for-each>
    <xsl:for-each select="t:summary($root)">
      <meta name="DC.description" content="{.}"/>
    </xsl:for-each>
  </xsl:function>

  <!-- A header name (sender, addressee) linked to the index when it has a record. -->
  <xsl:function name="t:header-name" as="node()*">
    <xsl:param name="name" as="element()?"/>
    <xsl:apply-templates select="$name" mode="t:inline"/>
  </xsl:function>

  <!-- The document's title and one line of key facts; the text follows at
       once (the full metadata is in t:about-panel, after the text or beside
       it on wide screens). -->
  <xsl:function name="t:document-header" as="element()">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="m" as="map(xs:string, item()*)" select="t:meta($root)"/>
    <header class="document-header">
      <!-- The title is searched too (data-pagefind-body: a page may have several): a document
           whose head is its title alone (the head is then not repeated in the text) has no
           other words, and Pagefind leaves a page without words out of its index. -->
      <h1 data-pagefind-meta="title" data-pagefind-body=""><xsl:value-of select="$m?title"/></h1>
      <xsl:variable name="facts" as="element()*" select="t:key-facts($root)"/>
      <xsl:if test="exists($facts)">
        <ul class="key-facts" aria-label="Key facts">
          <xsl:for-each select="$facts">
            <li><xsl:sequence select="."/></li>
          </xsl:for-each>
        </ul>
      </xsl:if>
    </header>
  </xsl:function>

  <!-- The facts a reader needs before the text, each a <span>: date (or the
       subtitle), sender → addressee, classification, the printed edition's
       volume and document number. -->
  <xsl:function name="t:key-facts" as="element()*">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="m" as="map(xs:string, item()*)" select="t:meta($root)"/>
    <xsl:choose>
      <xsl:when test="exists($m?when) and exists(t:html-datetime($m?when))">
        <span class="fact-date"><xsl:value-of select="t:place($root) ! (. || ', ')"/><time datetime="{t:html-datetime($m?when)}" data-pagefind-meta="date"><xsl:value-of select="t:format-when($m?when, true())"/></time></span>
      </xsl:when>
      <xsl:otherwise>
        <xsl:for-each select="t:subtitle($root)">
          <span class="fact-date"><xsl:value-of select="."/></span>
        </xsl:for-each>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:if test="exists($m?sender) and exists($m?addressee)">
      <span class="fact-route"><xsl:value-of select="$m?sender || ' → ' || $m?addressee"/></span>
    </xsl:if>
    <xsl:for-each select="$m?classification">
      <span class="fact-classification"><xsl:value-of select="."/></span>
    </xsl:for-each>
    <xsl:if test="exists($m?series) and exists($m?document)">
      <span class="fact-printed" data-pagefind-meta="printed"><xsl:value-of select="string-join((t:series-short($m?series),
        (t:volume-label($root), $m?volume)[1] ! ('vol. ' || .), 'doc. ' || $m?document), ', ')"/></span>
    </xsl:if>
  </xsl:function>

  <!-- The series as readers abbreviate it: "FRUS 1961–1963". -->
  <xsl:function name="t:series-short" as="xs:string">
    <xsl:param name="series" as="xs:string"/>
    <xsl:sequence select="replace($series, '^Foreign Relations of the United States,?\s*', 'FRUS ')"/>
  </xsl:function>


  <!-- The full metadata: after the text, or beside it on wide screens;
       nothing when the header has none of it. -->
  <xsl:function name="t:about-panel" as="element()?">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="m" as="map(xs:string, item()*)" select="t:meta($root)"/>
    <xsl:variable name="profile" as="element()?" select="t:header($root)/profileDesc"/>
    <xsl:variable name="entries" as="element()*">
        <xsl:for-each select="$m?when">
          <dt>Date</dt>
          <dd>
            <xsl:choose>
              <xsl:when test="exists(t:html-datetime(.))">
                <time datetime="{t:html-datetime(.)}"><xsl:value-of select="t:format-when(., true())"/></time>
              </xsl:when>
              <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
            </xsl:choose>
          </dd>
        </xsl:for-each>
        <xsl:for-each select="$profile/correspDesc/correspAction[@type = 'sent']">
          <dt>From</dt>
          <dd>
            <xsl:sequence select="t:header-name((orgName | persName | name | rs)[1])"/>
            <xsl:for-each select="placeName[1]">
              <xsl:text>, </xsl:text>
              <xsl:sequence select="t:header-name(.)"/>
            </xsl:for-each>
          </dd>
        </xsl:for-each>
        <xsl:for-each select="$profile/correspDesc/correspAction[@type = 'received']">
          <dt>To</dt>
          <dd>
            <xsl:sequence select="t:header-name((orgName | persName | name | rs)[1])"/>
            <xsl:for-each select="placeName[1]">
              <xsl:text>, </xsl:text>
              <xsl:sequence select="t:header-name(.)"/>
            </xsl:for-each>
          </dd>
        </xsl:for-each>
        <xsl:for-each select="$m?classification">
          <dt>Classification</dt>
          <dd><xsl:value-of select="."/></dd>
        </xsl:for-each>
        <xsl:for-each select="$m?archival">
          <dt>Archival source</dt>
          <dd><xsl:value-of select="string-join((., $m?archive), ', ')"/></dd>
        </xsl:for-each>
        <xsl:if test="exists($m?series)">
          <dt>Printed in</dt>
          <dd>
            <xsl:variable name="printed" as="element(t:rich)">
              <t:rich>
                <t:i><xsl:value-of select="$m?series"/></t:i>
                <xsl:value-of select="$m?volume ! (', vol. ' || .)"/>
                <xsl:if test="exists($m?volume-title)">
                  <xsl:text>, </xsl:text>
                  <t:i><xsl:value-of select="$m?volume-title"/></t:i>
                </xsl:if>
                <xsl:value-of select="$m?pub-year ! (' (' || . || ')')"/>
                <xsl:value-of select="$m?document ! (', Document ' || .)"/>
              </t:rich>
            </xsl:variable>
            <xsl:apply-templates select="$printed" mode="t:rich-html"/>
            <xsl:for-each select="t:frus-uri($root)[matches(., '^https?://')]">
              <xsl:text> (</xsl:text>
              <a href="{.}">Office of the Historian</a>
              <xsl:text>)</xsl:text>
            </xsl:for-each>
          </dd>
        </xsl:if>
        <xsl:for-each select="t:transcription($root)">
          <dt>Transcription</dt>
          <dd>
            <xsl:value-of select="string-join((title[@level = ('s', 'm')] ! t:plain(.), publisher ! t:plain(.)), ', ')"/>
            <xsl:for-each select="idno[@type = 'URI'][matches(., '^https?://')][1]">
              <xsl:text> (</xsl:text>
              <a href="{normalize-space(.)}">web page</a>
              <xsl:text>)</xsl:text>
            </xsl:for-each>
          </dd>
        </xsl:for-each>
        <xsl:for-each select="t:summary($root)">
          <dt>Summary</dt>
          <dd><xsl:value-of select="."/></dd>
        </xsl:for-each>
        <xsl:if test="exists(t:keywords($root))">
          <dt>Subjects</dt>
          <dd><xsl:value-of select="string-join(t:keywords($root), '; ')"/></dd>
        </xsl:if>
    </xsl:variable>
    <xsl:if test="exists($entries)">
      <aside id="about" class="about" aria-labelledby="about-heading">
        <h2 id="about-heading">About this document</h2>
        <dl class="metadata"><xsl:sequence select="$entries"/></dl>
      </aside>
    </xsl:if>
  </xsl:function>

  <!-- Footnotes, each with a link back to its place in the text. -->
  <xsl:function name="t:notes-section" as="element()?">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="notes" as="element()*" select="t:footnotes($root)"/>
    <xsl:if test="exists($notes)">
      <section id="notes" class="notes" role="doc-endnotes" aria-labelledby="notes-heading" data-pagefind-body="">
        <h2 id="notes-heading">Notes</h2>
        <ol>
          <xsl:for-each select="$notes">
            <xsl:variable name="id" as="xs:string" select="t:note-id(.)"/>
            <li id="{$id}">
              <xsl:if test="t:note-number(.) castable as xs:integer">
                <xsl:attribute name="value" select="t:note-number(.)"/>
              </xsl:if>
              <xsl:apply-templates mode="t:inline"/>
              <xsl:text> </xsl:text>
              <a class="backlink" data-pagefind-ignore="" href="#{$id}-ref" role="doc-backlink"
                aria-label="Back to note {t:note-number(.)} in the text">↩&#xFE0E;</a>
            </li>
          </xsl:for-each>
        </ol>
      </section>
    </xsl:if>
  </xsl:function>

  <!-- The source note of the printed edition (archival file, classification). -->
  <xsl:function name="t:source-section" as="element()?">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="notes" as="element()*" select="t:source-notes($root)"/>
    <xsl:if test="exists($notes)">
      <section id="source" class="source-note" aria-labelledby="source-heading" data-pagefind-body="">
        <h2 id="source-heading">Source note</h2>
        <xsl:for-each select="$notes">
          <p>
            <xsl:call-template name="t:id"/>
            <xsl:apply-templates mode="t:inline"/>
          </p>
        </xsl:for-each>
      </section>
    </xsl:if>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- Index of names                                                      -->
  <!-- ================================================================== -->

  <!-- Where a name stands, as the index shows it: a link target (the nearest
       element with an id on the page) and a label ("¶3", "item 4", "note 1",
       "dateline", "letter ¶1"). -->
  <xsl:variable name="t:mention-blocks" as="map(xs:string, xs:boolean)" select="t:name-set(('p', 'item', 'note',
    'head', 'dateline', 'salute', 'signed', 'closer', 'opener', 'floatingText', 'l', 'ab', 'cell'))"/>

  <!-- Asked twice of each name (the index of names, the library record): not
       cache="yes", which kept a map for every name of the text for the whole
       transformation (bench/README.md, "Large documents, round four"). -->
  <xsl:function name="t:mention" as="map(xs:string, xs:string)?">
    <xsl:param name="name" as="element()"/>
    <xsl:variable name="target" as="element()?" select="$name/ancestor::*[@xml:id][t:renders-id(., string(@xml:id))][1]"/>
    <xsl:variable name="block" as="element()?" select="$name/ancestor::*[map:contains($t:mention-blocks, local-name())][1]"/>
    <xsl:variable name="in-letter" as="xs:boolean" select="exists($name/ancestor::floatingText)"/>
    <xsl:variable name="label" as="xs:string?" select="
      if (empty($block)) then ()
      else if (t:is-numbered($block)) then '¶' || t:paragraph-number($block)
      else if (local-name($block) = 'p' and $in-letter) then 'letter ¶' || ($block/@n, t:sibling-position($block))[1]
      else if ($in-letter) then 'letter'
      else if (local-name($block) = 'item') then 'item ' || ($block/@n, t:sibling-position($block))[1]
      else if (local-name($block) = 'note' and $block/@type = 'source') then 'source note'
      else if (local-name($block) = 'note') then 'note ' || t:note-number($block)
      else if (local-name($block) = 'head') then 'heading'
      else local-name($block)"/>
    <xsl:sequence select="if (exists($target) and exists($label)) then map { 'id': string($target/@xml:id), 'label': $label } else ()"/>
  </xsl:function>

  <!-- An element's position among its parent's children of its name, from
       the positions counted once per parent and name: asked for every name in
       a list's item or a letter's paragraph, counting the siblings before each
       made a list of many items with names quadratic. -->
  <xsl:function name="t:sibling-position" as="xs:integer">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="t:sibling-positions($element/.., node-name($element))(generate-id($element))"/>
  </xsl:function>

  <xsl:function name="t:sibling-positions" as="map(xs:string, xs:integer)" cache="yes">
    <xsl:param name="parent" as="node()"/>
    <xsl:param name="name" as="xs:QName"/>
    <xsl:sequence select="map:merge($parent/*[node-name() eq $name] ! map { generate-id(.): position() })"/>
  </xsl:function>

  <xsl:function name="t:names-section" as="element()">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="header-names" as="element()*"
      select="t:header($root)/profileDesc/correspDesc/correspAction/*[local-name() = $t:name-elements][@ref]"/>
    <!-- anchor of the record => the names in the text that point to it -->
    <xsl:variable name="mentions" as="map(xs:string, element()*)">
      <xsl:map>
        <xsl:for-each-group select="t:named($root)" group-by="string((t:record(.) ! t:record-anchor(.), '')[1])">
          <xsl:map-entry key="current-grouping-key()" select="current-group()"/>
        </xsl:for-each-group>
      </xsl:map>
    </xsl:variable>
    <xsl:variable name="records" as="element()*" select="(($header-names, t:named($root)) ! t:record(.))/."/>
    <section id="names" class="names" aria-labelledby="names-heading">
      <h2 id="names-heading">People, places and organisations</h2>
      <xsl:if test="empty($records)">
        <p>The text names no one with an authority record.</p>
      </xsl:if>
      <xsl:for-each-group select="$records" group-by="t:kind(.)">
        <xsl:sort select="index-of($t:kind-order, current-grouping-key())"/>
        <section class="name-list {current-grouping-key()}" aria-labelledby="names-{current-grouping-key()}">
          <h3 id="names-{current-grouping-key()}"><xsl:value-of select="$t:kinds(current-grouping-key())"/></h3>
          <dl>
            <xsl:for-each select="current-group()">
              <xsl:sort select="t:record-sort-key(.)"/>
              <xsl:variable name="anchor" as="xs:string" select="t:record-anchor(.)"/>
              <dt id="{$anchor}"><xsl:value-of select="t:record-name(.)"/></dt>
              <dd>
                <xsl:for-each select="t:record-dates(.)">
                  <span class="dates"><xsl:value-of select="."/></span>
                  <xsl:text>. </xsl:text>
                </xsl:for-each>
                <xsl:for-each select="t:record-role(.)">
                  <span class="role"><xsl:value-of select="t:end-with-period(.)"/></span>
                  <xsl:text> </xsl:text>
                </xsl:for-each>
                <xsl:for-each select="t:record-note(.)">
                  <span class="record-note"><xsl:value-of select="."/></span>
                  <xsl:text> </xsl:text>
                </xsl:for-each>
                <xsl:for-each select="t:record-geo(.)">
                  <span class="geo">Coordinates: <xsl:value-of select="replace(., '[ ,]+', ', ')"/>.</span>
                  <xsl:text> </xsl:text>
                </xsl:for-each>
                <xsl:variable name="places" as="map(xs:string, xs:string)*" select="$mentions($anchor) ! t:mention(.)"/>
                <span class="mentions">
                  <xsl:choose>
                    <xsl:when test="exists($places)">
                      <xsl:text>In the text: </xsl:text>
                      <xsl:for-each-group select="$places" group-by="?label">
                        <xsl:if test="position() gt 1">, </xsl:if>
                        <a href="#{current-group()[1]?id}"><xsl:value-of select="current-grouping-key()"/></a>
                      </xsl:for-each-group>
                      <xsl:text>.</xsl:text>
                    </xsl:when>
                    <xsl:when test="exists($mentions($anchor))">Named in the text.</xsl:when>
                    <xsl:otherwise>Named in the document's metadata.</xsl:otherwise>
                  </xsl:choose>
                </span>
                <xsl:for-each select="t:register-href(., t:up($root))">
                  <xsl:text> </xsl:text>
                  <a class="register-link" href="{.}">Every document naming them</a>
                </xsl:for-each>
              </dd>
            </xsl:for-each>
          </dl>
        </section>
      </xsl:for-each-group>
    </section>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- Cite this document                                                  -->
  <!-- ================================================================== -->

  <!-- "Cite this document": each style with a button that copies it as plain
       text (the script shows the buttons; without it the citations are plain
       selectable text and the .txt file has them all), the reference files for
       reference managers, and the passage citations. -->
  <xsl:function name="t:cite-section" as="element()">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="cite-files" as="xs:string" select="t:up($root) || '../cite/' || t:doc-path($root)"/>
    <xsl:variable name="paragraphs" as="element()*" select="$root//text//p[t:is-numbered(.)]"/>
    <section id="cite" class="cite" aria-labelledby="cite-heading">
      <h2 id="cite-heading">Cite this document</h2>
      <xsl:for-each select="$t:citation-order">
        <h3 id="cite-{.}-heading"><xsl:value-of select="$t:citation-styles(.)"/></h3>
        <div class="citation-box">
          <p class="citation" id="cite-{.}"><xsl:apply-templates select="t:citation($root, ., ())" mode="t:rich-html"/></p>
          <button type="button" class="copy" data-copy="cite-{.}" aria-describedby="cite-{.}-heading" hidden="">Copy</button>
        </div>
      </xsl:for-each>
      <p class="copy-status" role="status" aria-live="polite"></p>
      <h3>Reference files</h3>
      <p>Import one of these files into a reference manager, or save this page to Zotero with its browser connector (it reads the page's citation metadata).</p>
      <ul class="downloads">
        <li><a href="{$cite-files}.bib" type="application/x-bibtex">BibTeX</a> (LaTeX with BibTeX or biber, Zotero, JabRef)</li>
        <li><a href="{$cite-files}.ris" type="application/x-research-info-systems">RIS</a> (Zotero, EndNote, Mendeley)</li>
        <li><a href="{$cite-files}.json" type="application/vnd.citationstyles.csl+json">CSL-JSON</a> (Zotero, Pandoc, citeproc)</li>
        <li><a href="{$cite-files}.txt" type="text/plain">All citations as plain text</a></li>
      </ul>
      <xsl:if test="exists($paragraphs)">
        <h3>Cite a passage</h3>
        <p>Each paragraph has a number and a ¶ link to its own address; to cite a passage, add the
          paragraph to the note (Chicago: "para. 3") and use that address.</p>
        <details class="passages">
          <summary>Citations for each paragraph</summary>
          <ol>
            <xsl:for-each select="$paragraphs">
              <li value="{t:paragraph-number(.)}">
                <xsl:apply-templates select="t:citation($root, 'chicago-note', .)" mode="t:rich-html"/>
              </li>
            </xsl:for-each>
          </ol>
          <p><a href="{$cite-files}.passages.txt" type="text/plain">Passage citations as plain text</a></p>
        </details>
      </xsl:if>
      <script><xsl:value-of select="$t:copy-script"/></script>
    </section>
  </xsl:function>

  <!-- The script of the copy buttons: it shows them, and a click puts the
       citation's text (without markup) on the clipboard and says so in the
       status line; where the clipboard is refused, it selects the text so
       that the reader can copy it. -->
  <xsl:variable name="t:copy-script" as="xs:string">
(function () {
  var buttons = document.querySelectorAll('.cite button.copy');
  var status = document.querySelector('.cite .copy-status');
  function say(message) { if (status) { status.textContent = message; } }
  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  function copy(button) {
    var citation = document.getElementById(button.getAttribute('data-copy'));
    if (!citation) { return; }
    var text = citation.textContent.replace(/\s+/g, ' ').trim();
    var label = document.getElementById(button.getAttribute('aria-describedby'));
    var name = label ? label.textContent : 'Citation';
    function failed() { select(citation); say(name + ': selected; press Ctrl+C or Cmd+C to copy.'); }
    if (navigator.clipboard &amp;&amp; navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { say(name + ': copied.'); }, failed);
    } else {
      failed();
    }
  }
  for (var i = 0; i !== buttons.length; i += 1) {
    buttons[i].addEventListener('click', function () { copy(this); });
    buttons[i].hidden = false;
  }
}());
</xsl:variable>

  <!-- ================================================================== -->
  <!-- Footer                                                              -->
  <!-- ================================================================== -->

  <xsl:function name="t:page-footer" as="element()">
    <xsl:param name="root" as="document-node()"/>
    <footer class="site-footer">
      <xsl:for-each select="t:edition-publisher($root)">
        <p>Published by <xsl:value-of select="."/>
          <xsl:for-each select="t:revised($root)">
            <xsl:text>; last revised </xsl:text>
            <time datetime="{.}"><xsl:value-of select="t:format-when(., false())"/></time>
          </xsl:for-each>
          <xsl:text>.</xsl:text>
        </p>
      </xsl:for-each>
      <xsl:for-each select="t:licences($root)">
        <p class="licence">
          <xsl:apply-templates mode="t:inline"/>
          <xsl:for-each select="@target[matches(., '^https?://')]">
            <xsl:text> </xsl:text>
            <a href="{.}" rel="license">Licence</a>
          </xsl:for-each>
        </p>
      </xsl:for-each>
    </footer>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- The edition's index page                                            -->
  <!-- ================================================================== -->

  <!-- What the index page shows of a document, as a card:
       <t:card page="x.html" id="x" title="..." when="1962-12-23T14:00:00-05:00"
         subtitle="..." sender="..." addressee="..." summary="..." publisher="..."
         printed="FRUS 1961–1963, vol. XI, doc. 256" place="New York" revised="2026-12-01">
         <t:project>what the edition is</t:project> <t:licence target="https://...">...</t:licence>
       </t:card>
       (the optional parts only when the header has them). The document's
       own transformation returns its card with its page (t:html-files), so
       the index is made from the cards of a build without reading every
       document again; a document not built in this run is read for its card. -->
  <xsl:function name="t:index-card" as="element(t:card)">
    <xsl:param name="root" as="document-node()"/>
    <xsl:param name="page" as="xs:string"/>
    <xsl:variable name="m" as="map(xs:string, item()*)" select="t:meta($root)"/>
    <t:card page="{$page}" id="{t:doc-id($root)}" title="{t:title($root)}" when="{string(t:when($root))}">
      <xsl:for-each select="t:subtitle($root)">
        <xsl:attribute name="subtitle" select="."/>
      </xsl:for-each>
      <xsl:if test="exists($m?sender) and exists($m?addressee)">
        <xsl:attribute name="sender" select="$m?sender"/>
        <xsl:attribute name="addressee" select="$m?addressee"/>
      </xsl:if>
      <xsl:for-each select="t:summary($root)">
        <xsl:attribute name="summary" select="."/>
      </xsl:for-each>
      <xsl:for-each select="t:edition-publisher($root)">
        <xsl:attribute name="publisher" select="."/>
      </xsl:for-each>
      <xsl:if test="exists($m?series) and exists($m?document)">
        <xsl:attribute name="printed" select="string-join((t:series-short($m?series),
          (t:volume-label($root), $m?volume)[1] ! ('vol. ' || .), 'doc. ' || $m?document), ', ')"/>
      </xsl:if>
      <xsl:for-each select="t:place($root)">
        <xsl:attribute name="place" select="."/>
      </xsl:for-each>
      <xsl:for-each select="t:revised($root)">
        <xsl:attribute name="revised" select="."/>
      </xsl:for-each>
      <!-- what the edition is (the header's project description) and its licences -->
      <xsl:for-each select="(t:header($root)/encodingDesc/projectDesc/p)[1]">
        <t:project><xsl:value-of select="t:plain(.)"/></t:project>
      </xsl:for-each>
      <xsl:for-each select="t:licences($root)">
        <t:licence>
          <xsl:for-each select="@target[matches(., '^https?://')]">
            <xsl:attribute name="target" select="."/>
          </xsl:for-each>
          <xsl:value-of select="t:plain(.)"/>
        </t:licence>
      </xsl:for-each>
    </t:card>
  </xsl:function>

  <!-- The card of each document of the manifest, in manifest order: the card
       the build passed, else one read from the document, else the page name. -->
  <xsl:function name="t:index-cards" as="element(t:card)*">
    <xsl:param name="edition" as="element(t:edition)"/>
    <xsl:for-each select="$edition/t:document">
      <xsl:choose>
        <xsl:when test="t:card">
          <xsl:sequence select="t:card[1]"/>
        </xsl:when>
        <xsl:when test="doc-available(@href)">
          <xsl:sequence select="t:index-card(doc(@href), string(@page))"/>
        </xsl:when>
        <xsl:otherwise>
          <t:card page="{@page}" title="{@page}" when=""/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
  </xsl:function>


  <!-- One entry of the index page: a document (title, facts, formats) or a
       volume (its number and title, how many documents). -->
  <xsl:function name="t:index-entry" as="element()">
    <xsl:param name="card" as="element(t:card)"/>
    <xsl:for-each select="$card">
                  <article>
                    <xsl:element name="{if (@id) then 'h3' else 'p'}">
                      <xsl:if test="empty(@id)">
                        <xsl:attribute name="class" select="'volume-title'"/>
                      </xsl:if>
                      <a href="{@page}"><xsl:value-of select="
                        if (@volume-number) then string-join((@volume-number, @volume), ', ') else @title"/></a>
                    </xsl:element>
                    <xsl:if test="@id">
                      <xsl:variable name="date" as="xs:string?" select="@when[exists(t:date-parts(.))] ! t:format-when(., true())"/>
                      <xsl:variable name="facts" as="xs:string*" select="(@printed, string-join((@place, $date), ', ')[.])"/>
                      <xsl:choose>
                        <xsl:when test="exists($facts)">
                          <p class="document-facts">
                            <xsl:for-each select="$facts">
                              <xsl:if test="position() gt 1"> · </xsl:if>
                              <xsl:value-of select="."/>
                            </xsl:for-each>
                          </p>
                        </xsl:when>
                        <xsl:otherwise>
                          <xsl:for-each select="@subtitle">
                            <p class="document-facts"><xsl:value-of select="."/></p>
                          </xsl:for-each>
                        </xsl:otherwise>
                      </xsl:choose>
                      <xsl:for-each select="@summary">
                        <p class="summary"><xsl:value-of select="."/></p>
                      </xsl:for-each>
                      <p class="formats">
                        <xsl:text>Also as </xsl:text>
                        <a href="../text/{@id}.reading.txt" type="text/plain">reading text</a>
                        <xsl:text>, </xsl:text>
                        <a href="../text/{@id}.diplomatic.txt" type="text/plain">diplomatic text</a>
                        <xsl:text>, </xsl:text>
                        <a href="../cite/{@id}.html">citations</a>
                        <xsl:text>.</xsl:text>
                      </p>
                    </xsl:if>
                    <xsl:if test="empty(@id)">
                      <xsl:for-each select="@summary">
                        <p class="summary"><xsl:value-of select="."/>
                          <xsl:for-each select="../@withheld">
                            <xsl:value-of select="' ' || . || ' kept back by errors in their encoding (the contents page says which and why).'"/>
                          </xsl:for-each>
                        </p>
                      </xsl:for-each>
                    </xsl:if>
                  </article>
    </xsl:for-each>
  </xsl:function>

  <!-- "Volume VI" => "000006": volumes in the order of their numbers (Roman or Arabic). -->
  <xsl:function name="t:volume-sort-key" as="xs:string">
    <xsl:param name="label" as="xs:string"/>
    <xsl:variable name="number" as="xs:string" select="replace($label, '^\D*?([IVXLCDM]+|\d+).*$', '$1', 'i')"/>
    <xsl:variable name="value" as="xs:integer?" select="
      if ($number castable as xs:integer) then xs:integer($number)
      else if (matches($number, '^[IVXLCDM]+$', 'i')) then t:roman(upper-case($number))
      else ()"/>
    <xsl:sequence select="if (exists($value)) then format-number($value, '000000') || $label else $label"/>
  </xsl:function>

  <xsl:function name="t:roman" as="xs:integer">
    <xsl:param name="numeral" as="xs:string"/>
    <xsl:variable name="values" as="xs:integer*"
      select="string-to-codepoints($numeral) ! map { 73: 1, 86: 5, 88: 10, 76: 50, 67: 100, 68: 500, 77: 1000 }(.)"/>
    <xsl:sequence select="sum(for $i in 1 to count($values)
      return if ($i lt count($values) and $values[$i] lt $values[$i + 1]) then -$values[$i] else $values[$i])"/>
  </xsl:function>

  <!-- The edition's front page: what the edition is, its documents (with
       their FRUS numbers and dates), the formats, how to cite, the licence. -->
  <xsl:function name="t:index-page" as="element()">
    <xsl:param name="edition" as="element(t:edition)"/>
    <xsl:variable name="cards" as="element(t:card)*" select="t:index-cards($edition)"/>
    <xsl:variable name="publisher" as="xs:string" select="string(($cards/@publisher, 'TEI edition')[1])"/>
    <xsl:variable name="site" as="xs:string" select="($t:site-title[normalize-space()], $publisher)[1]"/>
    <xsl:variable name="revised" as="xs:string?" select="string(max($cards/@revised[. castable as xs:date] ! xs:date(.)))[.]"/>
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <link rel="icon" href="data:,"/>
        <title><xsl:value-of select="$site"/>: documents</title>
        <xsl:for-each select="($cards/t:project)[1]">
          <meta name="description" content="{.}"/>
        </xsl:for-each>
        <link rel="stylesheet" href="edition.css"/>
      </head>
      <body class="index-page">
        <a class="skip-link" href="#main">Skip to the list of documents</a>
        <header class="site-header">
          <nav aria-label="Edition">
            <ul>
              <li><a href="index.html" aria-current="page"><xsl:value-of select="$site"/></a></li>
              <li><a href="#documents-heading">Documents</a></li>
              <li><a href="#cite-heading">Cite</a></li>
            </ul>
            <xsl:sequence select="t:search-form('')"/>
          </nav>
        </header>
        <main id="main">
          <h1><xsl:value-of select="$site"/></h1>
          <xsl:for-each select="($cards/t:project)[1]">
            <p class="edition-intro"><xsl:value-of select="."/></p>
          </xsl:for-each>
          <section aria-labelledby="documents-heading">
            <h2 id="documents-heading">Documents</h2>
            <ol class="documents">
              <xsl:for-each select="$cards[@id]">
                <xsl:sort select="string(@when)"/>
                <li><xsl:sequence select="t:index-entry(.)"/></li>
              </xsl:for-each>
            </ol>
          </section>
          <xsl:if test="exists($cards[empty(@id)])">
            <section aria-labelledby="volumes-heading">
              <h2 id="volumes-heading">Volumes</h2>
              <!-- by series, then subseries (FRUS: "1961–1963"), then volume number -->
              <xsl:for-each-group select="$cards[empty(@id)]" group-by="string((@series, 'Other collections')[1])">
                <xsl:sort select="empty(current-group()/@series)"/>
                <xsl:sort select="current-grouping-key()"/>
                <section class="series" aria-labelledby="series-{position()}">
                  <h3 id="series-{position()}"><xsl:value-of select="current-grouping-key()"/></h3>
                  <xsl:for-each-group select="current-group()" group-by="string(@subseries)">
                    <xsl:sort select="current-grouping-key()"/>
                    <xsl:if test="current-grouping-key()">
                      <h4><xsl:value-of select="current-grouping-key()"/></h4>
                    </xsl:if>
                    <ul class="volumes">
                      <xsl:for-each select="current-group()">
                        <xsl:sort select="t:volume-sort-key(string(@volume-number))"/>
                        <xsl:sort select="string(@title)"/>
                        <li><xsl:sequence select="t:index-entry(.)"/></li>
                      </xsl:for-each>
                    </ul>
                  </xsl:for-each-group>
                </section>
              </xsl:for-each-group>
            </section>
          </xsl:if>
          <section aria-labelledby="formats-heading">
            <h2 id="formats-heading">Formats</h2>
            <p>Each document is a web page that works offline, with a reading view (telegraphic
              abbreviations expanded, typing errors corrected, each change marked) and a diplomatic
              view (the text as the source has it); every person, place and organisation named has a
              card and an entry in the page's index. The same text is also published as plain text in
              both views, and its citations in Chicago, MLA and APA style and as BibTeX, RIS and
              CSL-JSON files for reference managers.</p>
          </section>
          <section aria-labelledby="cite-heading">
            <h2 id="cite-heading">How to cite</h2>
            <p>Cite a document with the citation its page gives under "Cite this document" (each
              numbered paragraph has its own address for a passage). Cite the edition as a whole as:</p>
            <p class="citation"><xsl:value-of select="string-join(($publisher,
              $revised ! ('last revised ' || t:format-when(., false())), t:edition-base()), ', ') || '.'"/></p>
          </section>
        </main>
        <footer class="site-footer">
          <p>Published by <xsl:value-of select="$publisher"/>
            <xsl:for-each select="$revised">
              <xsl:text>; last revised </xsl:text>
              <time datetime="{.}"><xsl:value-of select="t:format-when(., false())"/></time>
            </xsl:for-each>
            <xsl:text>.</xsl:text>
          </p>
          <xsl:for-each-group select="$cards/t:licence" group-by="string(.)">
            <p class="licence">
              <xsl:value-of select="current-grouping-key()"/>
              <xsl:for-each select="@target">
                <xsl:text> </xsl:text>
                <a href="{.}" rel="license">Licence</a>
              </xsl:for-each>
            </p>
          </xsl:for-each-group>
        </footer>
      </body>
    </html>
  </xsl:function>

</xsl:stylesheet>
