<?xml version="1.0" encoding="UTF-8"?>
<!--
  html-text.xsl: the TEI text as HTML, included with html-page.xsl (toolkit/formats.py).

  Two modes, so that the HTML is always validly nested:
    t:flow    block context (inside <section>, <div>, <blockquote>, <li>):
              may produce <p>, <ol>, <blockquote>, <div>, <table>, <figure>
    t:inline  phrasing context (inside <p>, <h2>, <dd>, ...): only phrasing
              elements (<span>, <a>, <abbr>, <time>, <br>, ...)
  Each mode has a catch-all template: an element nobody wrote a template for
  becomes a <div> or <span> with class "tei-NAME" around its content.

  Editorial choices carry both forms; the <body> class (view-reading or
  view-diplomatic, switched by the page's script, edition.js) decides with
  CSS which is shown. The reading view (the default, and the only one
  without JavaScript) shows expansions and corrections, each marked in its
  own way, with the source's form in title and in data-* for the cards.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:telegram2477:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all">

  <!-- TEI elements that are blocks (flow content) in HTML. -->
  <xsl:variable name="t:html-blocks" as="map(xs:string, xs:boolean)" select="t:name-set(('p', 'div', 'div1', 'div2', 'div3', 'list', 'listBibl',
    'lg', 'table', 'floatingText', 'sp', 'figure', 'opener', 'closer', 'dateline', 'salute', 'signed', 'byline', 'trailer',
    'ab', 'l', 'argument', 'epigraph', 'postscript', 'docTitle', 'titlePage', 'titlePart', 'docAuthor', 'docImprint',
    'castList', 'head', 'front', 'body', 'back', 'group', 'text', 'speaker', 'stage', 'cit', 'item'))"/>

  <!-- Elements whose content is data, not text: never shown in the running text. -->
  <xsl:variable name="t:html-hidden" as="map(xs:string, xs:boolean)" select="t:name-set(('listPerson', 'listPlace', 'listOrg', 'listEvent',
    'listRelation', 'listNym', 'standOff', 'teiHeader', 'interpGrp', 'spanGrp', 'linkGrp', 'fw', 'figDesc', 'facsimile'))"/>

  <!-- t:flow-children asks this of every child at every level, the p
       template and the quote test ask again, and the last test scans the
       element's descendants up to the first block. Not cache="yes": kept, an
       answer for every element of the text held memory for the whole
       transformation, and asking two or three times costs less than that
       (bench/README.md, "Large documents, round four"); the scans are as
       many either way (one per element asked, each through its descendants
       up to the first block). -->
  <xsl:function name="t:is-block" as="xs:boolean">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="$node instance of element() and (
      map:contains($t:html-blocks, local-name($node))
      or (exists($node/self::quote) and exists($node/*[t:is-block(.)]))
      or (empty($node/(self::note | self::choice)) and exists($node//(p | list | lg | table | floatingText | child::div))))"/>
  </xsl:function>

  <!-- The children of a flow container: block children in mode t:flow, runs of
       inline content in mode t:inline (text is allowed in flow content). -->
  <xsl:template name="t:flow-children" as="node()*">
    <xsl:param name="nodes" as="node()*" select="node()"/>
    <xsl:for-each-group select="$nodes" group-adjacent="t:is-block(.)">
      <xsl:choose>
        <xsl:when test="current-grouping-key()">
          <xsl:apply-templates select="current-group()" mode="t:flow"/>
        </xsl:when>
        <xsl:when test="normalize-space(string-join(current-group() ! string(.))) = '' and empty(current-group()/self::*)"/>
        <xsl:otherwise>
          <xsl:apply-templates select="current-group()" mode="t:inline"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each-group>
  </xsl:template>

  <!-- The id an element gets in HTML (its xml:id), if any. -->
  <xsl:template name="t:id" as="attribute()?">
    <xsl:if test="@xml:id">
      <xsl:attribute name="id" select="@xml:id"/>
    </xsl:if>
  </xsl:template>

  <!-- A lang attribute where the element's language differs. -->
  <xsl:template name="t:lang" as="attribute()?">
    <xsl:if test="@xml:lang">
      <xsl:attribute name="lang" select="@xml:lang"/>
    </xsl:if>
  </xsl:template>

  <!-- ================================================================== -->
  <!-- Flow mode                                                           -->
  <!-- ================================================================== -->

  <!-- Catch-all: an unknown element holding blocks becomes a <div>, one
       holding only phrasing content is rendered inline. -->
  <xsl:template match="*" mode="t:flow" as="node()*">
    <xsl:choose>
      <xsl:when test="t:is-block(.)">
        <div class="tei-{local-name()}">
          <xsl:call-template name="t:id"/>
          <xsl:call-template name="t:lang"/>
          <xsl:call-template name="t:flow-children"/>
        </div>
      </xsl:when>
      <xsl:otherwise>
        <xsl:apply-templates select="." mode="t:inline"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="text()" mode="t:flow" as="text()?">
    <xsl:if test="normalize-space()">
      <xsl:value-of select="."/>
    </xsl:if>
  </xsl:template>

  <xsl:template match="comment() | processing-instruction()" mode="t:flow t:inline" as="empty-sequence()"/>

  <xsl:template match="*[map:contains($t:html-hidden, local-name())]" mode="t:flow t:inline" as="empty-sequence()"/>

  <!-- Elements of another namespace are data, not text (as in mode t:read, common.xsl). -->
  <xsl:template match="*[namespace-uri() ne 'http://www.tei-c.org/ns/1.0']" mode="t:flow t:inline" as="empty-sequence()"/>

  <xsl:template match="text | front | body | back | group" mode="t:flow" as="element()">
    <div class="tei-{local-name()}">
      <xsl:call-template name="t:id"/>
      <xsl:call-template name="t:lang"/>
      <xsl:call-template name="t:flow-children"/>
    </div>
  </xsl:template>

  <!-- Divisions become sections; the head is a heading one level below the
       division's parent (h3 for a top-level division: the page has h1 and the
       text section's h2). The head of a division that repeats the
       document's title is not repeated. -->
  <xsl:template match="div | div1 | div2 | div3" mode="t:flow" as="element()">
    <xsl:variable name="depth" as="xs:integer" select="count(ancestor-or-self::*[self::div or self::div1 or self::div2 or self::div3])"/>
    <xsl:variable name="heads" as="element()*" select="head[not(t:plain(.) = t:title(.))]"/>
    <!-- a <section> needs a heading; without one the division is a <div> -->
    <xsl:element name="{if (exists($heads)) then 'section' else 'div'}">
      <xsl:attribute name="class" select="'tei-div' || @type ! (' ' || .)"/>
      <xsl:call-template name="t:id"/>
      <xsl:call-template name="t:lang"/>
      <xsl:for-each select="$heads">
        <xsl:element name="h{min((2 + $depth, 6))}">
          <xsl:call-template name="t:id"/>
          <xsl:apply-templates mode="t:inline"/>
        </xsl:element>
      </xsl:for-each>
      <xsl:call-template name="t:flow-children">
        <xsl:with-param name="nodes" select="node() except head"/>
      </xsl:call-template>
    </xsl:element>
  </xsl:template>

  <xsl:template match="head" mode="t:flow" as="element()">
    <p class="tei-head">
      <xsl:call-template name="t:id"/>
      <xsl:apply-templates mode="t:inline"/>
    </p>
  </xsl:template>

  <!-- A numbered paragraph: its number, its text, and a ¶ link to cite it. -->
  <xsl:template match="p" mode="t:flow" as="element()">
    <xsl:variable name="numbered" as="xs:boolean" select="t:is-numbered(.)"/>
    <xsl:variable name="nested" as="xs:boolean" select="exists(*[t:is-block(.)])"/>
    <xsl:element name="{if ($nested) then 'div' else 'p'}">
      <xsl:if test="$numbered">
        <xsl:attribute name="id" select="t:paragraph-id(.)"/>
        <xsl:attribute name="class" select="'numbered' || (if ($nested) then ' tei-p' else '')"/>
      </xsl:if>
      <xsl:if test="not($numbered)">
        <xsl:call-template name="t:id"/>
        <xsl:if test="$nested">
          <xsl:attribute name="class" select="'tei-p'"/>
        </xsl:if>
      </xsl:if>
      <xsl:call-template name="t:lang"/>
      <xsl:if test="$numbered">
        <span class="pnum" aria-hidden="true" data-pagefind-ignore=""><xsl:value-of select="t:paragraph-number(.)"/></span>
        <xsl:text> </xsl:text>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="$nested">
          <xsl:call-template name="t:flow-children"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:apply-templates mode="t:inline"/>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:if test="$numbered">
        <xsl:text> </xsl:text>
        <a class="pilcrow" data-pagefind-ignore="" href="#{t:paragraph-id(.)}" aria-label="Link to paragraph {t:paragraph-number(.)}"
          title="Cite this paragraph: {t:rich-text(t:citation(root(.), 'chicago-note', .))}">¶</a>
      </xsl:if>
    </xsl:element>
  </xsl:template>

  <xsl:template match="opener | closer | argument | epigraph | postscript | titlePage | docTitle | sp | lg | castList"
    mode="t:flow" as="element()">
    <div class="tei-{local-name()}">
      <xsl:call-template name="t:id"/>
      <xsl:call-template name="t:lang"/>
      <xsl:call-template name="t:flow-children"/>
    </div>
  </xsl:template>

  <xsl:template match="dateline | salute | signed | byline | trailer | ab | l | titlePart | docAuthor | docImprint
    | speaker | stage" mode="t:flow" as="element()">
    <p class="tei-{local-name()}">
      <xsl:call-template name="t:id"/>
      <xsl:call-template name="t:lang"/>
      <xsl:apply-templates mode="t:inline"/>
    </p>
  </xsl:template>

  <!-- Lists: <ol> when ordered. Items keep the source's own labels ("1."),
       so the list shows them instead of generated numbers. -->
  <xsl:template match="list | listBibl" mode="t:flow" as="element()+">
    <xsl:for-each select="head">
      <p class="tei-head list-head"><xsl:apply-templates mode="t:inline"/></p>
    </xsl:for-each>
    <xsl:variable name="ordered" as="xs:boolean"
      select="@type = ('ordered', 'numbered', 'enumerated') or @rend = ('numbered', 'ordered')"/>
    <!-- Labelled: the items carry their own numerals, as <label> or as the
         source's text ("1. Joint declaration;"); the list must not number them again. -->
    <xsl:variable name="labelled" as="xs:boolean" select="exists(label | item/label)
      or (exists(item) and (every $item in item satisfies
          matches(t:plain($item, $t:diplomatic), '^\(?([0-9]+|[A-Za-z]|[ivxlcIVXLC]+)[.)](\s|$)')))"/>
    <xsl:element name="{if ($ordered) then 'ol' else 'ul'}">
      <xsl:attribute name="class" select="string-join(('tei-list', 'labelled'[$labelled]), ' ')"/>
      <xsl:call-template name="t:id"/>
      <xsl:apply-templates select="item | bibl | biblStruct | listBibl" mode="t:flow"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="item | list/bibl | list/biblStruct | listBibl/bibl | listBibl/biblStruct | listBibl/listBibl"
    mode="t:flow" as="element()">
    <li>
      <xsl:call-template name="t:id"/>
      <xsl:if test="@n castable as xs:integer and parent::list">
        <xsl:attribute name="value" select="@n"/>
      </xsl:if>
      <xsl:for-each select="preceding-sibling::*[1][self::label]">
        <span class="tei-label"><xsl:apply-templates mode="t:inline"/></span>
        <xsl:text> </xsl:text>
      </xsl:for-each>
      <xsl:call-template name="t:flow-children"/>
    </li>
  </xsl:template>

  <!-- An embedded text (the draft letter) is set off as a quotation. -->
  <xsl:template match="floatingText" mode="t:flow" as="element()">
    <blockquote class="{string-join(('floating-text', @type), ' ')}">
      <xsl:call-template name="t:id"/>
      <xsl:call-template name="t:lang"/>
      <xsl:call-template name="t:flow-children">
        <xsl:with-param name="nodes" select="(body, group, front, back)/node(), node()[not(self::body | self::group | self::front | self::back)]"/>
      </xsl:call-template>
    </blockquote>
  </xsl:template>

  <xsl:template match="quote | cit" mode="t:flow" as="element()">
    <blockquote class="tei-{local-name()}">
      <xsl:call-template name="t:id"/>
      <xsl:call-template name="t:lang"/>
      <xsl:call-template name="t:flow-children"/>
    </blockquote>
  </xsl:template>

  <xsl:template match="table" mode="t:flow" as="element()">
    <table class="tei-table">
      <xsl:call-template name="t:id"/>
      <xsl:for-each select="head">
        <caption><xsl:apply-templates mode="t:inline"/></caption>
      </xsl:for-each>
      <tbody>
        <xsl:for-each select="row">
          <tr>
            <xsl:for-each select="cell">
              <xsl:element name="{if (@role = 'label' or ../@role = 'label') then 'th' else 'td'}">
                <xsl:if test="@cols castable as xs:integer">
                  <xsl:attribute name="colspan" select="@cols"/>
                </xsl:if>
                <xsl:if test="@rows castable as xs:integer">
                  <xsl:attribute name="rowspan" select="@rows"/>
                </xsl:if>
                <xsl:call-template name="t:flow-children"/>
              </xsl:element>
            </xsl:for-each>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
  </xsl:template>

  <!-- Figures: no image is loaded (nothing comes from the network); the
       description stands in for it. -->
  <xsl:template match="figure" mode="t:flow" as="element()">
    <figure class="tei-figure">
      <xsl:call-template name="t:id"/>
      <figcaption>
        <xsl:for-each select="head, figDesc">
          <xsl:apply-templates mode="t:inline"/>
          <xsl:text> </xsl:text>
        </xsl:for-each>
      </figcaption>
    </figure>
  </xsl:template>

  <!-- A note standing between blocks keeps only its marker here. -->
  <xsl:template match="note" mode="t:flow" as="element()?">
    <xsl:if test="t:is-footnote(.)">
      <p class="note-anchor"><xsl:apply-templates select="." mode="t:inline"/></p>
    </xsl:if>
  </xsl:template>

  <!-- ================================================================== -->
  <!-- Inline mode                                                         -->
  <!-- ================================================================== -->

  <!-- Catch-all: an unknown element is a <span> around its content. -->
  <xsl:template match="*" mode="t:inline" as="node()*">
    <span class="tei-{local-name()}">
      <xsl:call-template name="t:id"/>
      <xsl:call-template name="t:lang"/>
      <xsl:apply-templates mode="t:inline"/>
    </span>
  </xsl:template>

  <xsl:template match="text()" mode="t:inline" as="text()">
    <xsl:value-of select="."/>
  </xsl:template>

  <!-- Is the element rendered inside a link already? (Links do not nest.) -->
  <xsl:function name="t:in-link" as="xs:boolean">
    <xsl:param name="element" as="element()"/>
    <!-- the cheap name test first: t:is-link is false for any other element,
         and most ancestors are p, div, body, text and TEI -->
    <xsl:sequence select="exists($element/ancestor::*[self::persName or self::placeName or self::orgName or self::rs
      or self::name or self::ref or self::ptr][t:is-link(.)])"/>
  </xsl:function>

  <xsl:function name="t:is-link" as="xs:boolean">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="
      if ($element/(self::persName | self::placeName | self::orgName | self::rs | self::name) and $element/@ref)
        then exists(t:record($element))
      else if ($element/(self::ref | self::ptr)) then exists(t:href($element))
      else false()"/>
  </xsl:function>

  <!-- Names: a link to the record in the page's index. -->
  <xsl:template match="persName | placeName | orgName | rs | name" mode="t:inline" as="element()">
    <xsl:variable name="record" as="element()?" select="if (@ref) then t:record(.) else ()"/>
    <xsl:variable name="kind" as="xs:string" select="if ($record) then t:kind($record) else t:kind(.)"/>
    <xsl:choose>
      <xsl:when test="$record and not(t:in-link(.))">
        <a class="name {$kind}" href="#{t:record-anchor($record)}"
          title="{string-join((t:record-name($record), t:record-dates($record)), ', ')}">
          <xsl:call-template name="t:id"/>
          <xsl:apply-templates mode="t:inline"/>
        </a>
      </xsl:when>
      <xsl:otherwise>
        <span class="name {$kind}">
          <xsl:call-template name="t:id"/>
          <xsl:if test="$record">
            <xsl:attribute name="title" select="t:record-name($record)"/>
          </xsl:if>
          <xsl:apply-templates mode="t:inline"/>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Dates: <time datetime> with the normalised value. -->
  <xsl:template match="date | time | origDate" mode="t:inline" as="element()">
    <xsl:variable name="datetime" as="xs:string?" select="t:html-datetime(t:date-value(.))"/>
    <xsl:choose>
      <xsl:when test="exists($datetime)">
        <time datetime="{$datetime}">
          <xsl:call-template name="t:id"/>
          <xsl:apply-templates mode="t:inline"/>
        </time>
      </xsl:when>
      <xsl:otherwise>
        <span class="tei-date">
          <xsl:call-template name="t:id"/>
          <xsl:apply-templates mode="t:inline"/>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- An ISO 8601 value as HTML's datetime accepts it, or nothing: a four-digit
       year (no sign), and no time zone on a date, a month or a year. A value
       castable to the type has digits where they belong, so its length and
       its fifth character settle the rest (cheaper than a regex in Saxon). -->
  <xsl:function name="t:html-datetime" as="xs:string?">
    <xsl:param name="value" as="xs:string?"/>
    <xsl:variable name="v" as="xs:string" select="normalize-space(string($value))"/>
    <xsl:variable name="four-digit-year" as="xs:boolean" select="substring($v, 5, 1) = '-' and not(starts-with($v, '-'))"/>
    <xsl:sequence select="
      if ($v castable as xs:dateTime and $four-digit-year) then $v
      else if ($v castable as xs:date and $four-digit-year and string-length($v) = 10) then $v
      else if ($v castable as xs:gYearMonth and $four-digit-year and string-length($v) = 7) then $v
      else if ($v castable as xs:gYear and string-length($v) = 4) then $v
      else if ($v castable as xs:gMonthDay and string-length($v) = 7) then substring($v, 3)
      else ()"/>
  </xsl:function>

  <!-- Editorial choices: both forms, the view shows one (CSS, by the body's
       class). The kind ("expansion", "acronym", "correction",
       "regularisation") and both readings go into data-* attributes, from
       which the page's script (edition.js) makes the card the reader opens
       in place. A standard acronym (abbr/@type = $t:acronym, see
       docs/encoding.md) stays as written in the reading view too. -->
  <xsl:variable name="t:acronym" as="xs:string" select="'acronym'"/>

  <xsl:template match="choice" mode="t:inline" as="element()">
    <xsl:variable name="source" as="element()?" select="t:choice-source(.)"/>
    <xsl:variable name="edited" as="element()?" select="t:choice-edited(.)"/>
    <xsl:variable name="source-text" as="xs:string" select="string(($source ! t:plain(., $t:diplomatic), '')[1])"/>
    <xsl:variable name="edited-text" as="xs:string" select="string(($edited ! t:plain(., $t:reading), '')[1])"/>
    <xsl:variable name="kind" as="xs:string?" select="
      if ($source/self::abbr) then (if ($source/@type = $t:acronym) then 'acronym' else 'expansion')
      else if ($source/self::sic) then 'correction'
      else if ($source/self::orig) then 'regularisation'
      else ()"/>
    <span class="{string-join(('choice', $kind), ' ')}">
      <xsl:call-template name="t:id"/>
      <xsl:if test="exists($kind)">
        <xsl:attribute name="data-kind" select="$kind"/>
        <xsl:attribute name="data-source" select="$source-text"/>
        <xsl:attribute name="data-edited" select="$edited-text"/>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="$kind = 'acronym'">
          <abbr class="dipl" data-pagefind-ignore="" title="{$edited-text}"><xsl:apply-templates select="$source/node()" mode="t:inline"/></abbr>
          <abbr class="read acronym" title="{$edited-text}"><xsl:apply-templates select="$source/node()" mode="t:inline"/></abbr>
        </xsl:when>
        <xsl:when test="$kind = 'expansion'">
          <abbr class="dipl" data-pagefind-ignore="" title="{$edited-text}"><xsl:apply-templates select="$source/node()" mode="t:inline"/></abbr>
          <span class="read expan" title="abbreviated in the source: {$source-text}"><xsl:apply-templates select="$edited/node()" mode="t:inline"/></span>
        </xsl:when>
        <xsl:when test="$kind = 'correction'">
          <span class="dipl sic" data-pagefind-ignore="" title="corrected reading: {$edited-text}"><xsl:apply-templates select="$source/node()" mode="t:inline"/></span>
          <span class="read corr" title="source reads: {$source-text}"><xsl:apply-templates select="$edited/node()" mode="t:inline"/></span>
        </xsl:when>
        <xsl:when test="$kind = 'regularisation'">
          <span class="dipl orig" data-pagefind-ignore="" title="regularised: {$edited-text}"><xsl:apply-templates select="$source/node()" mode="t:inline"/></span>
          <span class="read reg" title="source reads: {$source-text}"><xsl:apply-templates select="$edited/node()" mode="t:inline"/></span>
        </xsl:when>
        <xsl:otherwise>
          <xsl:apply-templates select="*[1]" mode="t:inline"/>
        </xsl:otherwise>
      </xsl:choose>
    </span>
  </xsl:template>

  <!-- Lone editorial elements outside a choice. -->
  <xsl:template match="abbr" mode="t:inline" as="element()">
    <abbr><xsl:call-template name="t:id"/><xsl:apply-templates mode="t:inline"/></abbr>
  </xsl:template>

  <xsl:template match="sic" mode="t:inline" as="element()">
    <span class="sic" title="sic: so in the source"><xsl:call-template name="t:id"/><xsl:apply-templates mode="t:inline"/></span>
  </xsl:template>

  <xsl:template match="corr | expan | reg | supplied" mode="t:inline" as="element()">
    <span class="read {local-name()}" title="added by the editors"><xsl:call-template name="t:id"/><xsl:apply-templates mode="t:inline"/></span>
  </xsl:template>

  <!-- Footnotes: a numbered reference here, the note at the end of the page. -->
  <xsl:template match="note" mode="t:inline" as="element()?">
    <xsl:if test="t:is-footnote(.)">
      <xsl:variable name="id" as="xs:string" select="t:note-id(.)"/>
      <sup class="noteref" data-pagefind-ignore="">
        <a href="#{$id}" id="{$id}-ref" role="doc-noteref" aria-label="Note {t:note-number(.)}"><xsl:value-of select="t:note-number(.)"/></a>
      </sup>
    </xsl:if>
  </xsl:template>

  <xsl:function name="t:note-id" as="xs:string">
    <xsl:param name="note" as="element()"/>
    <xsl:sequence select="if ($note/@xml:id) then string($note/@xml:id)
      else 'note-' || t:footnote-position($note)"/>
  </xsl:function>

  <!-- Links: only to this page's ids, to the web (http, https) or mail, or
       into a FRUS volume: its local page when the volume is built too, else
       history.state.gov (t:volume-link), whether the pointer is FRUS's own
       ("frus1961-63v06#d66") or the document's address
       ("https://history.state.gov/historicaldocuments/frus1961-63v06/d66"):
       toolkit/pointers.py resolves both as publications (t:pointers). A kind
       that knows better where a pointer leads from its page says so beside it
       (@t:href: frus.xsl, for the pages it cuts out of a volume), and that is
       used as it is. A pointer of several tokens links its first (t:href); a
       ref naming several documents links each (the template for ref with
       several targets). -->
  <xsl:function name="t:href" as="xs:string?">
    <xsl:param name="ref" as="element()"/>
    <xsl:sequence select="
      if ($ref/@t:href) then $ref/@t:href[not(starts-with(., '#')) or t:renders-id($ref, substring(., 2))]
      else t:token-href(normalize-space(tokenize(string($ref/@target), '\s+')[1]), $ref)"/>
  </xsl:function>

  <xsl:function name="t:token-href" as="xs:string?">
    <xsl:param name="target" as="xs:string"/>
    <xsl:param name="ref" as="element()"/>
    <xsl:variable name="publication" as="array(xs:string)?" select="$t:pointers($target)[?1 = 'publication']"/>
    <xsl:sequence select="
      if (exists($publication)) then t:volume-link($publication?2, $publication?3, t:up($ref))
      else if (starts-with($target, '#')) then $target[t:renders-id($ref, substring(., 2))]
      else if (matches($target, '^(https?|mailto):', 'i')) then $target
      else ()"/>
  </xsl:function>

  <!-- A reference to several documents ("four letters of October 27 and
       28"): its words, then a link to each document, numbered as FRUS
       numbers it ("66") or by its place in @target. -->
  <xsl:template match="ref[empty(@t:href)][count(tokenize(normalize-space(@target))) gt 1]" mode="t:inline" as="element()" priority="1">
    <xsl:variable name="ref" as="element()" select="."/>
    <span class="tei-ref several">
      <xsl:call-template name="t:id"/>
      <xsl:apply-templates mode="t:inline"/>
      <sup class="ref-targets">
        <xsl:text>[</xsl:text>
        <xsl:for-each select="tokenize(normalize-space(@target))">
          <xsl:variable name="publication" as="array(xs:string)?" select="$t:pointers(.)[?1 = 'publication']"/>
          <xsl:variable name="label" as="xs:string"
            select="($publication?3[matches(., '^d[0-9]+[A-Z]?$')] ! substring(., 2), string(position()))[1]"/>
          <xsl:variable name="href" as="xs:string?" select="t:token-href(., $ref)"/>
          <xsl:if test="position() gt 1">, </xsl:if>
          <xsl:choose>
            <xsl:when test="exists($href) and not(t:in-link($ref))">
              <a href="{$href}" aria-label="{if (exists($publication)) then 'Document ' || $label || ', ' || $publication?2 else 'Reference ' || $label}"><xsl:value-of select="$label"/></a>
            </xsl:when>
            <xsl:otherwise><xsl:value-of select="$label"/></xsl:otherwise>
          </xsl:choose>
        </xsl:for-each>
        <xsl:text>]</xsl:text>
      </sup>
    </span>
  </xsl:template>

  <!-- Does the page have an element with this id (from the text's xml:ids)?
       The candidates come from the t:xml-id key (common.xsl), not from a scan
       of the text: t:mention asks this for every id'd ancestor of every name
       in the index, which made the scan quadratic. ancestor::text keeps the
       old restriction to the text's elements (//text//*). -->
  <xsl:function name="t:renders-id" as="xs:boolean">
    <xsl:param name="context" as="node()"/>
    <xsl:param name="id" as="xs:string"/>
    <xsl:sequence select="exists(key('t:xml-id', $id, root($context))[ancestor::text]
      [empty(ancestor-or-self::*[map:contains($t:html-hidden, local-name())])]
      [not((self::choice or self::abbr or self::expan or self::sic or self::corr or self::orig or self::reg)
        and exists(ancestor::choice))])"/>
  </xsl:function>

  <xsl:template match="ref | ptr" mode="t:inline" as="element()">
    <xsl:variable name="href" as="xs:string?" select="t:href(.)"/>
    <xsl:choose>
      <xsl:when test="exists($href) and not(t:in-link(.))">
        <a href="{$href}">
          <xsl:call-template name="t:id"/>
          <xsl:apply-templates mode="t:inline"/>
          <xsl:if test="self::ptr or not(normalize-space(.))">
            <xsl:value-of select="$href"/>
          </xsl:if>
        </a>
      </xsl:when>
      <xsl:otherwise>
        <span class="tei-{local-name()}">
          <xsl:call-template name="t:id"/>
          <xsl:apply-templates mode="t:inline"/>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="hi" mode="t:inline" as="element()">
    <xsl:variable name="rend" as="xs:string" select="lower-case(string(@rend))"/>
    <xsl:element name="{
      if (contains($rend, 'italic')) then 'i'
      else if (contains($rend, 'bold')) then 'b'
      else if (contains($rend, 'strong')) then 'strong'
      else if (contains($rend, 'sup')) then 'sup'
      else if (contains($rend, 'sub')) then 'sub'
      else if (contains($rend, 'underline')) then 'u'
      else 'span'}">
      <xsl:attribute name="class" select="string-join(('tei-hi', 'smallcaps'[contains($rend, 'smallcaps')]), ' ')"/>
      <xsl:call-template name="t:id"/>
      <xsl:apply-templates mode="t:inline"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="emph" mode="t:inline" as="element()">
    <em><xsl:call-template name="t:id"/><xsl:apply-templates mode="t:inline"/></em>
  </xsl:template>

  <xsl:template match="title" mode="t:inline" as="element()">
    <cite><xsl:call-template name="t:id"/><xsl:apply-templates mode="t:inline"/></cite>
  </xsl:template>

  <xsl:template match="foreign" mode="t:inline" as="element()">
    <span class="tei-foreign"><xsl:call-template name="t:id"/><xsl:call-template name="t:lang"/><xsl:apply-templates mode="t:inline"/></span>
  </xsl:template>

  <!-- Quotation marks are characters of the text: <q> would add more. -->
  <xsl:template match="quote | q | said" mode="t:inline" as="element()">
    <span class="quote"><xsl:call-template name="t:id"/><xsl:call-template name="t:lang"/><xsl:apply-templates mode="t:inline"/></span>
  </xsl:template>

  <xsl:template match="lb" mode="t:inline" as="element()">
    <br/>
  </xsl:template>

  <!-- A page break of the printed source: its page number, set in the margin. -->
  <xsl:template match="pb[normalize-space(@n)]" mode="t:inline" as="element()">
    <span class="page-break" data-pagefind-ignore="">
      <xsl:call-template name="t:id"/>
      <xsl:value-of select="'[Page ' || normalize-space(@n) || ']'"/>
    </span>
  </xsl:template>

  <xsl:template match="pb | cb | anchor | milestone" mode="t:inline" as="element()?">
    <xsl:if test="@xml:id">
      <span id="{@xml:id}" class="tei-{local-name()}"/>
    </xsl:if>
  </xsl:template>

  <xsl:template match="gap" mode="t:inline" as="element()">
    <span class="tei-gap" title="{string-join(('omitted', @reason), ': ')}">[…]</span>
  </xsl:template>

  <!-- Block elements met in phrasing context (a list inside a paragraph):
       spans styled as blocks keep the HTML valid. -->
  <xsl:template match="*[map:contains($t:html-blocks, local-name())]" mode="t:inline" as="element()" priority="-0.1">
    <span class="tei-{local-name()} block">
      <xsl:call-template name="t:id"/>
      <xsl:call-template name="t:lang"/>
      <xsl:apply-templates mode="t:inline"/>
    </span>
  </xsl:template>

</xsl:stylesheet>
