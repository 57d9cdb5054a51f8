<?xml version="1.0" encoding="UTF-8"?>
<!--
  collection.xsl: a source file that holds many publications, published as a
  folder of each output (a module, included by edition.xsl).

  A FRUS volume (toolkit/kinds/frus/frus.xsl) and a teiCorpus hold many documents. Each document
  is cut out as a *unit*: a document node with one TEI element that the
  shared stylesheets publish exactly as they publish a document of the
  edition. On the unit's TEI element, attributes of ours say where it stands:
    t:collection  the folder (the volume's or corpus's id): its files are
                  html/FOLDER/ID.html, text/FOLDER/ID.reading.txt, ...
    t:prev, t:next, t:prev-title, t:next-title  the documents before and after
                  it, for the page's previous / next links.
  The folder also gets a contents page, html/FOLDER/index.html, listing every
  unit in order (mode t:contents: a teiCorpus here, a FRUS volume's chapters in
  the frus kind's frus.xsl), and the edition's index page lists the folder by its card.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:telegram2477:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all">

  <!-- t:part: which part of a collection this transformation makes. The
       build transforms a large collection (a FRUS volume: its kind's parts,
       toolkit/kinds/) part by part, so that Saxon's memory follows the part
       and not the volume (toolkit/transform.py). Empty: all of it. (0): the
       collection's own files only (the contents page and the card). (F, L):
       the files of the units made from its candidates F to L (positions
       among the candidates the kind's module counts, from 1); (F1, L1, F2,
       L2, ...): those of several such runs (an incremental build makes again
       only the units whose inputs changed: docs/outputs.md). -->
  <xsl:param name="t:part" as="xs:integer*" select="()"/>

  <!-- Which of a collection's candidates (in order) this transformation
       makes units of: all for the whole collection and for its own files
       (the contents page lists every unit), else those of the part's runs. -->
  <xsl:function name="t:part-candidates" as="element()*">
    <xsl:param name="candidates" as="element()*"/>
    <xsl:variable name="runs" as="xs:integer" select="count($t:part) idiv 2"/>
    <xsl:sequence select="if (empty($t:part) or $t:part = 0) then $candidates
      else if ($runs eq 1) then $candidates[position() ge $t:part[1] and position() le $t:part[2]]
      else for $run in 1 to $runs return subsequence($candidates, $t:part[2 * $run - 1],
        $t:part[2 * $run] - $t:part[2 * $run - 1] + 1)"/>
  </xsl:function>

  <!-- The files of a collection: every output of every unit, then the
       contents page and the card for the edition's index (of a part, t:part,
       only what that part makes). -->
  <xsl:function name="t:collection-files" as="element()*">
    <xsl:param name="root" as="document-node()"/>
    <xsl:param name="folder" as="xs:string"/>
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="units" as="document-node()*"/>
    <xsl:variable name="formats" as="xs:string*" select="tokenize($t:formats)"/>
    <xsl:for-each select="$units[not($t:part = 0)]">
      <!-- what follows, up to the next t:unit, is this unit's: the build keeps it per unit (toolkit/transform.py) -->
      <t:unit id="{t:doc-id(.)}"/>
      <xsl:sequence select="t:document-files(., $formats)[not(self::t:card)]"/>
    </xsl:for-each>
    <xsl:if test="$formats = 'html' and (empty($t:part) or $t:part = 0)">
      <xsl:variable name="by-id" as="map(xs:string, document-node())"
        select="map:merge($units ! map { t:doc-id(.): . })"/>
      <xsl:sequence select="t:file('html', $folder || '/index.html',
        t:serialize-html(t:collection-page($root, $title, $by-id)))"/>
      <t:card page="{$folder}/index.html" title="{$title}" when="">
        <xsl:apply-templates select="$root/*" mode="t:collection-facts"/>
        <xsl:attribute name="summary" select="count($units) || ' document' || (if (count($units) = 1) then '' else 's')
          || ', one page each.'"/>
      </t:card>
    </xsl:if>
  </xsl:function>

  <!-- Mode t:collection-facts: attributes of the collection's card (a FRUS
       volume's series and number: frus.xsl); none for a teiCorpus. -->
  <xsl:template match="*" mode="t:collection-facts" as="attribute()*"/>

  <!-- A unit: $tei (a TEI element, or a copy made for the purpose) as a
       document of its own in $folder, between $prev and $next. -->
  <xsl:function name="t:unit" as="document-node()">
    <xsl:param name="tei" as="element(TEI)"/>
    <xsl:param name="folder" as="xs:string"/>
    <xsl:param name="prev" as="map(xs:string, xs:string)?"/>
    <xsl:param name="next" as="map(xs:string, xs:string)?"/>
    <xsl:document>
      <xsl:for-each select="$tei">
        <xsl:copy>
          <xsl:attribute name="t:collection" select="$folder"/>
          <xsl:for-each select="$prev">
            <xsl:attribute name="t:prev" select="?id"/>
            <xsl:attribute name="t:prev-title" select="?title"/>
          </xsl:for-each>
          <xsl:for-each select="$next">
            <xsl:attribute name="t:next" select="?id"/>
            <xsl:attribute name="t:next-title" select="?title"/>
          </xsl:for-each>
          <xsl:copy-of select="@*, node()"/>
        </xsl:copy>
      </xsl:for-each>
    </xsl:document>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- The contents page                                                   -->
  <!-- ================================================================== -->

  <xsl:function name="t:collection-page" as="element()">
    <xsl:param name="root" as="document-node()"/>
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="units" as="map(xs:string, document-node())"/>
    <html lang="{t:language($root)}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <link rel="icon" href="data:,"/>
        <title><xsl:value-of select="$title"/></title>
        <link rel="stylesheet" href="../edition.css"/>
      </head>
      <body class="index-page contents-page">
        <a class="skip-link" href="#main">Skip to the list of documents</a>
        <header class="site-header">
          <nav aria-label="Edition">
            <ul>
              <li><a href="../index.html">All documents</a></li>
              <li><a href="index.html" aria-current="page">Contents</a></li>
            </ul>
            <xsl:sequence select="t:search-form('../')"/>
          </nav>
        </header>
        <main id="main">
          <h1><xsl:value-of select="$title"/></h1>
          <xsl:apply-templates select="$root/*" mode="t:contents">
            <xsl:with-param name="t:units" as="map(xs:string, document-node())" select="$units" tunnel="yes"/>
            <xsl:with-param name="t:level" as="xs:integer" select="2" tunnel="yes"/>
          </xsl:apply-templates>
        </main>
      </body>
    </html>
  </xsl:function>

  <!-- One line of the contents: number, title (linked to the page) and date. -->
  <xsl:function name="t:contents-entry" as="element()">
    <xsl:param name="unit" as="document-node()"/>
    <xsl:variable name="number" as="xs:string?" select="t:document-number($unit)"/>
    <xsl:variable name="when" as="xs:string?" select="t:when($unit)"/>
    <li>
      <xsl:if test="$number castable as xs:integer">
        <xsl:attribute name="value" select="$number"/>
      </xsl:if>
      <a href="{t:doc-id($unit)}.html">
        <xsl:value-of select="string-join(($number ! (. || '.'), t:title($unit)), ' ')"/>
      </a>
      <xsl:for-each select="$when">
        <xsl:text>, </xsl:text>
        <xsl:choose>
          <xsl:when test="exists(t:html-datetime(.))">
            <time datetime="{t:html-datetime(.)}"><xsl:value-of select="t:format-when(., false())"/></time>
          </xsl:when>
          <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
    </li>
  </xsl:function>

  <!-- Mode t:contents: the list of units, in order. The catch-all looks
       into an element's children; a teiCorpus lists its TEI documents. -->
  <xsl:template match="*" mode="t:contents" as="element()*">
    <xsl:apply-templates select="*" mode="t:contents"/>
  </xsl:template>

  <xsl:template match="teiHeader" mode="t:contents" as="empty-sequence()"/>

  <xsl:template match="teiCorpus" mode="t:contents" as="element()">
    <xsl:param name="t:units" as="map(xs:string, document-node())" tunnel="yes"/>
    <ol class="documents contents">
      <!-- In document order, nested corpora's members too: position() is each one's number. -->
      <xsl:for-each select="descendant::TEI">
        <xsl:sequence select="t:contents-entry($t:units(t:corpus-member-id(., position())))"/>
      </xsl:for-each>
    </ol>
  </xsl:template>

  <!-- ================================================================== -->
  <!-- A teiCorpus: one publication per TEI                                -->
  <!-- ================================================================== -->

  <!-- A member's id: its xml:id, else its number among the corpus's TEI
       elements in document order ("tei3"), which the caller knows by
       position (counting the members before it, for each one, took time
       quadratic in the corpus). -->
  <xsl:function name="t:corpus-member-id" as="xs:string">
    <xsl:param name="tei" as="element(TEI)"/>
    <xsl:param name="number" as="xs:integer"/>
    <xsl:sequence select="string(($tei/@xml:id[normalize-space()], 'tei' || $number)[1])"/>
  </xsl:function>

  <!-- The record in the corpus's own header that a member's name points to
       with @corresp (and no @ref): a person, place or org of its lists. -->
  <xsl:function name="t:corpus-record" as="element()?">
    <xsl:param name="name" as="element()"/>
    <xsl:variable name="id" as="xs:string?" select="t:local-id(string($name/@corresp))"/>
    <xsl:sequence select="if ($name/(self::persName | self::placeName | self::orgName | self::name | self::rs)
        and empty($name/@ref) and exists($id))
      then key('t:xml-id', $id, root($name))[1]
        [self::person or self::place or self::org][ancestor::teiHeader/parent::teiCorpus]
      else ()"/>
  </xsl:function>

  <!-- Mode t:corpus-member: a member copied as a document of its own; its
       names pointing into the corpus header get the @ref the shared
       stylesheets follow (the records come along in its standOff). -->
  <xsl:template match="*" mode="t:corpus-member" as="element()">
    <xsl:copy>
      <xsl:copy-of select="@*"/>
      <xsl:for-each select="t:corpus-record(.)">
        <xsl:attribute name="ref" select="'#' || @xml:id"/>
      </xsl:for-each>
      <xsl:apply-templates select="node()" mode="t:corpus-member"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="text() | comment() | processing-instruction()" mode="t:corpus-member" as="node()">
    <xsl:copy-of select="."/>
  </xsl:template>

  <xsl:template match="document-node(element(teiCorpus))" mode="t:publish" as="element()*">
    <xsl:variable name="corpus" as="element(teiCorpus)" select="teiCorpus"/>
    <xsl:variable name="folder" as="xs:string"
      select="string(($corpus/@xml:id[normalize-space()], replace(tokenize(string(base-uri(.)), '/')[last()], '\.xml$', ''))[1])"/>
    <xsl:variable name="members" as="element(TEI)*" select="$corpus//TEI"/>
    <xsl:variable name="title" as="xs:string"
      select="(($corpus/teiHeader/fileDesc/titleStmt/title)[1] ! t:plain(.), $folder)[1]"/>
    <xsl:variable name="entries" as="map(xs:string, xs:string)*"
      select="for $i in 1 to count($members) return $members[$i] ! map { 'id': t:corpus-member-id(., $i),
        'title': string((teiHeader/fileDesc/titleStmt/title)[1] ! t:plain(.)) }"/>
    <xsl:variable name="units" as="document-node()*">
      <xsl:for-each select="$members">
        <xsl:variable name="i" as="xs:integer" select="position()"/>
        <xsl:variable name="copy" as="element(TEI)">
          <xsl:copy>
            <xsl:attribute name="xml:id" select="$entries[$i]?id"/>
            <xsl:copy-of select="@* except @xml:id"/>
            <xsl:apply-templates select="node()" mode="t:corpus-member"/>
            <xsl:variable name="records" as="element()*"
              select="(.//text//*[t:corpus-record(.)] ! t:corpus-record(.))/."/>
            <xsl:if test="exists($records)">
              <standOff xmlns="http://www.tei-c.org/ns/1.0"><xsl:copy-of select="$records"/></standOff>
            </xsl:if>
          </xsl:copy>
        </xsl:variable>
        <xsl:sequence select="t:unit($copy, $folder, $entries[$i - 1], $entries[$i + 1])"/>
      </xsl:for-each>
    </xsl:variable>
    <xsl:sequence select="t:collection-files(., $folder, $title, $units)"/>
  </xsl:template>

</xsl:stylesheet>
