<?xml version="1.0" encoding="UTF-8"?>
<!--
  frus.xsl: the conventions of Foreign Relations of the United States as the
  Office of the Historian encodes a volume (a module of the frus kind,
  toolkit/kinds/frus/, included by the build's entry stylesheet; used when
  t:profile is "frus").

  (Elements made here for a unit are TEI: the functions and templates that
  make them declare the TEI namespace as their default.)

  A volume is one file: the teiHeader describes the printed volume (titles
  typed series, subseries, volumenumber, volume; editors; imprint; idno
  type="frus" is the volume's id), the body holds chapters of documents
  (div type="document" n="67" xml:id="d67"). Each document is published as a
  unit of the volume's folder (collection.xsl): a TEI document made here, whose
  header says what the edition's own documents say (sourceDesc/biblStruct
  type="frus", creation date and place), so that every output reads it with
  the shared accessors of common.xsl and the map t:meta of citations.xsl.
  What the unit's text says in FRUS's way is said in TEI's shared way:
    persName/@corresp into the list of names (div xml:id="persons")
                        @ref to a person record, in the unit's standOff;
    gloss/@target into the list of abbreviations (div xml:id="terms")
                        choice of abbr (the text) and expan (the list's entry);
    the head's note n="0" (the source note)
                        note type="source";
    ref/@target "#d65", "#d65fn1", "#pg_182"
                        @t:href: the page of the document holding that id;
    ref/@target "frus1961-63v05#d183", "frus1961-63v05"
                        @t:href: the document or volume, local when built
                        too, else at history.state.gov;
    pb between two documents
                        the first page break of the next document.
  Words of the source are never changed: every unit holds its document's
  text as the volume has it, and the volume's words outside documents (front
  matter, index) are not published as pages.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:telegram2477:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all">

  <!-- The publisher of the units: the volume's digital edition. -->
  <xsl:variable name="t:frus-publisher" as="xs:string" select="'Office of the Historian'"/>

  <xsl:template match="document-node()[$t:profile = 'frus']" mode="t:publish" priority="2" as="element()*">
    <xsl:sequence select="t:collection-files(., t:frus-volume-id(.), t:frus-volume-heading(.), t:frus-units(.))"/>
  </xsl:template>

  <!-- ================================================================== -->
  <!-- The volume's header                                                 -->
  <!-- ================================================================== -->

  <xsl:function name="t:frus-volume-id" as="xs:string">
    <xsl:param name="volume" as="document-node()"/>
    <xsl:sequence select="(t:header($volume)/fileDesc/publicationStmt/idno[@type = 'frus'][normalize-space()] ! normalize-space(.),
      replace(tokenize(string(base-uri($volume)), '/')[last()], '\.xml$', ''))[1]"/>
  </xsl:function>

  <!-- A title of the volume by its type (the 2015 spelling or today's). -->
  <xsl:function name="t:frus-volume-title" as="xs:string?">
    <xsl:param name="volume" as="document-node()"/>
    <xsl:param name="types" as="xs:string+"/>
    <xsl:sequence select="(t:header($volume)/fileDesc/titleStmt/title[@type = $types])[1] ! t:plain(.)"/>
  </xsl:function>

  <!-- "Foreign Relations of the United States, 1961–1963, Volume VI, Kennedy-Khrushchev Exchanges" -->
  <xsl:function name="t:frus-volume-heading" as="xs:string">
    <xsl:param name="volume" as="document-node()"/>
    <xsl:sequence select="(t:frus-volume-title($volume, 'complete'), t:title($volume))[1]"/>
  </xsl:function>

  <!-- The part of the header every unit shares: its sourceDesc, less the
       document's own analytic and number (cache="yes": once per volume). -->
  <xsl:function name="t:frus-monogr" as="element(monogr)" cache="yes" xmlns="http://www.tei-c.org/ns/1.0">
    <xsl:param name="volume" as="document-node()"/>
    <xsl:variable name="file" as="element()?" select="t:header($volume)/fileDesc"/>
    <xsl:variable name="pub" as="element()?" select="$file/publicationStmt"/>
    <xsl:variable name="year" as="xs:string?"
      select="($pub/date[@type = 'publication-date'], $pub/date)[1] ! replace(normalize-space(.), '^.*?(\d{4}).*$', '$1')"/>
    <monogr>
      <title level="m">
        <xsl:value-of select="string-join((t:frus-volume-title($volume, 'series'),
          t:frus-volume-title($volume, ('subseries', 'sub-series'))), ', ')"/>
      </title>
      <xsl:for-each select="t:frus-volume-title($volume, 'volume')">
        <title level="m" type="volume"><xsl:value-of select="."/></title>
      </xsl:for-each>
      <xsl:for-each select="$file/titleStmt/editor[not(@role = 'general')]">
        <editor><xsl:value-of select="t:plain(.)"/></editor>
      </xsl:for-each>
      <xsl:for-each select="$file/titleStmt/editor[@role = 'general']">
        <editor role="general"><xsl:value-of select="t:plain(.)"/></editor>
      </xsl:for-each>
      <imprint>
        <xsl:for-each select="$pub/pubPlace[1]">
          <pubPlace><xsl:value-of select="t:plain(.)"/></pubPlace>
        </xsl:for-each>
        <!-- The Office of the Historian cites the printer as "Government
             Printing Office", without the header's "United States". -->
        <xsl:for-each select="$pub/publisher[1]">
          <publisher><xsl:value-of select="replace(t:plain(.), '^United States\s+', '')"/></publisher>
        </xsl:for-each>
        <xsl:for-each select="$year[matches(., '^\d{4}$')]">
          <date when="{.}"><xsl:value-of select="."/></date>
        </xsl:for-each>
      </imprint>
      <xsl:for-each select="t:frus-volume-title($volume, ('volumenumber', 'volume-number'))">
        <xsl:variable name="number" as="xs:string" select="replace(., '^Volumes?\s+', '')"/>
        <!-- @n the number (BibLaTeX's volume is an integer), the text as printed. -->
        <biblScope unit="volume" n="{(t:roman-number($number), $number)[1]}"><xsl:value-of select="$number"/></biblScope>
      </xsl:for-each>
    </monogr>
  </xsl:function>

  <!-- A volume number in Roman numerals as an integer ("VI": 6); empty for anything
       else ("XIX, Part 1" stays as printed). -->
  <xsl:function name="t:roman-number" as="xs:integer?">
    <xsl:param name="text" as="xs:string"/>
    <xsl:variable name="values" as="xs:integer*" select="string-to-codepoints($text[matches(., '^[IVXLCDM]+$')])
      ! map { 73: 1, 86: 5, 88: 10, 76: 50, 67: 100, 68: 500, 77: 1000 }(.)"/>
    <xsl:sequence select="if (exists($values)) then sum(for $i in 1 to count($values) return
      if ($i lt count($values) and $values[$i] lt $values[$i + 1]) then -$values[$i] else $values[$i]) else ()"/>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- The documents                                                       -->
  <!-- ================================================================== -->

  <xsl:function name="t:frus-documents" as="element(div)*">
    <xsl:param name="volume" as="document-node()"/>
    <xsl:sequence select="$volume/TEI/text/body//div[@type = 'document']"/>
  </xsl:function>

  <!-- The document's title: its head as printed, without its number and notes. -->
  <xsl:function name="t:frus-document-title" as="xs:string">
    <xsl:param name="div" as="element(div)"/>
    <!-- the head's own words: its notes (the source note, footnotes) are not the title -->
    <xsl:variable name="words" as="xs:string"
      select="normalize-space(string-join($div/head[1]//text()[empty(ancestor::note)]))"/>
    <xsl:variable name="head" as="xs:string" select="if ($words) then $words else string($div/@xml:id)"/>
    <xsl:sequence select="replace($head, '^' || ($div/@n, '\d+')[1] || '\.\s*', '')"/>
  </xsl:function>

  <!-- The document's date: its dateline's, else the encoders' frus:doc-dateTime-min. -->
  <xsl:function name="t:frus-document-when" as="xs:string?">
    <xsl:param name="div" as="element(div)"/>
    <xsl:sequence select="(($div/dateline, $div/opener/dateline)//date/t:date-value(.),
      $div/@*[local-name() = 'doc-dateTime-min'] ! string(.))[normalize-space()][1]"/>
  </xsl:function>

  <!-- Every document of the volume that is published as a unit, in order
       (a document kept back by its errors is not: t:withheld). -->
  <xsl:function name="t:frus-units" as="document-node()*">
    <xsl:param name="volume" as="document-node()"/>
    <xsl:variable name="volume-id" as="xs:string" select="t:frus-volume-id($volume)"/>
    <xsl:variable name="divs" as="element(div)*"
      select="t:frus-documents($volume)[empty(t:withheld($volume-id, string(@xml:id)))]"/>
    <xsl:variable name="leading-pbs" as="map(xs:string, element(pb)*)" select="t:frus-leading-pbs($volume)"/>
    <!-- of a part (t:part, collection.xsl), only its documents: counted among all of them, kept back or not -->
    <xsl:variable name="wanted" as="map(xs:string, xs:boolean)"
      select="map:merge(t:part-candidates(t:frus-documents($volume)) ! map { generate-id(.): true() })"/>
    <xsl:for-each select="$divs">
      <xsl:variable name="i" as="xs:integer" select="position()"/>
      <xsl:if test="map:contains($wanted, generate-id(.))">
        <!-- the titles of its neighbours only: each of a volume's parts titled every document of the
             volume, so a volume of N parts did it N times over (bench/README.md, "Engine floor") -->
        <xsl:sequence select="t:unit(t:frus-document(., $leading-pbs), $volume-id,
          $divs[$i - 1] ! t:frus-entry(.), $divs[$i + 1] ! t:frus-entry(.))"/>
      </xsl:if>
    </xsl:for-each>
  </xsl:function>

  <!-- A document as its neighbours' previous / next links name it. -->
  <xsl:function name="t:frus-entry" as="map(xs:string, xs:string)">
    <xsl:param name="div" as="element(div)"/>
    <xsl:sequence select="map { 'id': string($div/@xml:id), 'title': t:frus-document-title($div) }"/>
  </xsl:function>

  <!-- Page breaks outside any document belong to the next document: its
       first printed page may begin before its division does. -->
  <xsl:function name="t:frus-leading-pbs" as="map(xs:string, element(pb)*)">
    <xsl:param name="volume" as="document-node()"/>
    <xsl:map>
      <xsl:for-each-group select="$volume/TEI/text/body//pb[empty(ancestor::div[@type = 'document'])]"
        group-by="string(following::div[@type = 'document'][1]/@xml:id)">
        <xsl:map-entry key="current-grouping-key()" select="current-group()"/>
      </xsl:for-each-group>
    </xsl:map>
  </xsl:function>

  <!-- The document whose page shows an element: the one holding it, or, for
       a page break between documents, the next one. -->
  <xsl:function name="t:frus-home" as="element(div)?">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="($element/ancestor-or-self::div[@type = 'document'][1],
      $element/self::pb[ancestor::body]/following::div[@type = 'document'][1])[1]"/>
  </xsl:function>

  <!-- One document of the volume as a TEI document of its own. -->
  <xsl:function name="t:frus-document" as="element(TEI)" xmlns="http://www.tei-c.org/ns/1.0">
    <xsl:param name="div" as="element(div)"/>
    <xsl:param name="leading-pbs" as="map(xs:string, element(pb)*)"/>
    <xsl:variable name="volume" as="document-node()" select="root($div)"/>
    <xsl:variable name="volume-id" as="xs:string" select="t:frus-volume-id($volume)"/>
    <xsl:variable name="id" as="xs:string" select="string($div/@xml:id)"/>
    <xsl:variable name="title" as="xs:string" select="t:frus-document-title($div)"/>
    <xsl:variable name="url" as="xs:string" select="$t:frus-site || $volume-id || '/' || $id"/>
    <xsl:variable name="when" as="xs:string?" select="t:frus-document-when($div)"/>
    <xsl:variable name="monogr" as="element(monogr)" select="t:frus-monogr($volume)"/>
    <xsl:variable name="persons" as="element()*"
      select="distinct-values($div//persName/@corresp ! t:local-id(.)) ! t:frus-target(., $volume)[ancestor::list[@type = 'names']]"/>
    <TEI>
      <xsl:attribute name="xml:id" select="$id"/>
      <xsl:attribute name="xml:lang" select="($volume/TEI/@xml:lang, 'en')[1]"/>
      <teiHeader>
        <fileDesc>
          <titleStmt>
            <title type="main"><xsl:value-of select="$title"/></title>
          </titleStmt>
          <publicationStmt>
            <publisher><xsl:value-of select="$t:frus-publisher"/></publisher>
            <idno type="URI"><xsl:value-of select="$url"/></idno>
          </publicationStmt>
          <sourceDesc>
            <biblStruct type="frus">
              <analytic>
                <title level="a"><xsl:value-of select="$title"/></title>
                <idno type="frus"><xsl:value-of select="$volume-id || $id"/></idno>
                <idno type="URI"><xsl:value-of select="$url"/></idno>
              </analytic>
              <monogr>
                <xsl:copy-of select="$monogr/node()"/>
                <xsl:for-each select="$div/@n">
                  <biblScope unit="document" n="{.}"><xsl:value-of select="."/></biblScope>
                </xsl:for-each>
              </monogr>
            </biblStruct>
          </sourceDesc>
        </fileDesc>
        <xsl:if test="exists($when)">
          <profileDesc>
            <creation>
              <date when="{$when}"/>
              <xsl:for-each select="($div/dateline, $div/opener/dateline)[1]/placeName[1]">
                <placeName><xsl:value-of select="t:plain(.)"/></placeName>
              </xsl:for-each>
            </creation>
          </profileDesc>
        </xsl:if>
      </teiHeader>
      <xsl:if test="exists($persons)">
        <standOff>
          <listPerson>
            <xsl:sequence select="$persons ! t:frus-person(.)"/>
          </listPerson>
        </standOff>
      </xsl:if>
      <text>
        <body>
          <xsl:apply-templates select="$leading-pbs($id), $div" mode="t:frus-unit">
            <xsl:with-param name="t:document" as="element(div)" select="$div" tunnel="yes"/>
          </xsl:apply-templates>
        </body>
      </text>
    </TEI>
  </xsl:function>

  <xsl:function name="t:frus-target" as="element()?">
    <xsl:param name="id" as="xs:string"/>
    <xsl:param name="volume" as="document-node()"/>
    <xsl:sequence select="key('t:xml-id', $id, $volume)[1]"/>
  </xsl:function>

  <!-- What the list's entry says beside the name or term it defines:
       "<hi><persName>Ball, George W.</persName>,</hi> Under Secretary of State"
       => "Under Secretary of State". -->
  <xsl:function name="t:frus-entry-gloss" as="xs:string">
    <xsl:param name="defined" as="element()"/>
    <xsl:variable name="item" as="element()?" select="$defined/ancestor::item[1]"/>
    <xsl:variable name="rest" as="xs:string*"
      select="$item//text()[not(ancestor::* intersect $defined/descendant-or-self::*)] ! string(.)"/>
    <xsl:sequence select="replace(normalize-space(string-join($rest)), '^[,;:.\s]+', '')"/>
  </xsl:function>

  <!-- A person of the list of names as an authority record. -->
  <xsl:function name="t:frus-person" as="element(person)" xmlns="http://www.tei-c.org/ns/1.0">
    <xsl:param name="name" as="element()"/>
    <person>
      <xsl:attribute name="xml:id" select="$name/@xml:id"/>
      <persName><xsl:value-of select="t:plain($name)"/></persName>
      <xsl:for-each select="t:frus-entry-gloss($name)[.]">
        <note><xsl:value-of select="."/></note>
      </xsl:for-each>
    </person>
  </xsl:function>

  <!-- Mode t:frus-unit: a copy of the document, said in TEI's shared way. -->
  <xsl:template match="*" mode="t:frus-unit" as="element()">
    <xsl:copy>
      <xsl:apply-templates select="@* | node()" mode="t:frus-unit"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="@* | text() | comment() | processing-instruction()" mode="t:frus-unit" as="node()">
    <xsl:copy-of select="."/>
  </xsl:template>

  <!-- A document nested in another (a FRUS encoding slip, or an enclosure
       encoded as a document) has a page of its own: the outer page shows a
       link to it where it stands, not its text a second time. -->
  <xsl:template match="div[@type = 'document']" mode="t:frus-unit" as="element()" xmlns="http://www.tei-c.org/ns/1.0">
    <xsl:param name="t:document" as="element(div)" tunnel="yes"/>
    <xsl:choose>
      <xsl:when test=". is $t:document">
        <xsl:next-match/>
      </xsl:when>
      <xsl:otherwise>
        <p rend="nested-document">
          <ref target="#{@xml:id}" t:href="{t:frus-id-href(string(@xml:id), $t:document)}">
            <xsl:value-of select="string-join((@n ! ('Document ' || . || ':'), t:frus-document-title(.)), ' ')"/>
          </ref>
        </p>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="persName[@corresp]" mode="t:frus-unit" as="element()">
    <xsl:variable name="record" as="element()?"
      select="t:local-id(@corresp) ! t:frus-target(., root(current()))[ancestor::list[@type = 'names']]"/>
    <xsl:copy>
      <xsl:apply-templates select="@*" mode="t:frus-unit"/>
      <xsl:if test="exists($record) and empty(@ref)">
        <xsl:attribute name="ref" select="'#' || $record/@xml:id"/>
      </xsl:if>
      <xsl:apply-templates mode="t:frus-unit"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="gloss[@target]" mode="t:frus-unit" as="element()" xmlns="http://www.tei-c.org/ns/1.0">
    <xsl:variable name="term" as="element()?"
      select="t:local-id(@target) ! t:frus-target(., root(current()))[ancestor::list[@type = 'terms']]"/>
    <xsl:variable name="expansion" as="xs:string?" select="$term ! t:frus-entry-gloss(.)[.]"/>
    <xsl:choose>
      <xsl:when test="exists($expansion)">
        <choice>
          <abbr>
            <xsl:apply-templates select="@*" mode="t:frus-unit"/>
            <xsl:apply-templates mode="t:frus-unit"/>
          </abbr>
          <expan><xsl:value-of select="$expansion"/></expan>
        </choice>
      </xsl:when>
      <xsl:otherwise>
        <xsl:next-match/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The source note: the head's note numbered 0 (2015), or typed so (today). -->
  <xsl:template match="head/note[@n = '0'][empty(@type)]" mode="t:frus-unit" as="element()">
    <xsl:copy>
      <xsl:attribute name="type" select="'source'"/>
      <xsl:apply-templates select="@* | node()" mode="t:frus-unit"/>
    </xsl:copy>
  </xsl:template>

  <!-- The pointer stays as written; where it leads from the unit's page, which
       only the volume knows, goes beside it as data (@t:href), which the HTML
       uses as it is (html-text.xsl, t:href) rather than reading it back. -->
  <xsl:template match="ref/@target | ptr/@target" mode="t:frus-unit" as="attribute()+">
    <xsl:param name="t:document" as="element(div)" tunnel="yes"/>
    <xsl:copy/>
    <xsl:for-each select="t:frus-href(string(.), $t:document)">
      <xsl:attribute name="t:href" select="."/>
    </xsl:for-each>
  </xsl:template>

  <!-- Where a FRUS pointer leads from the page of $document: an id on this
       page stays "#id"; an id of another document is that document's page
       ("d65.html", "d65.html#d65fn1"), unless that document was kept back
       (then, like an id that names nothing, "#id": plain text on the page,
       never a dead link); another volume ("frus1961-63v05" or
       "frus1961-63v05#d183") is its local page when it is built too, else its
       page at history.state.gov (t:volume-link). Nothing for any other
       pointer (a web address): the HTML resolves it as any document's. -->
  <xsl:function name="t:frus-href" as="xs:string?">
    <xsl:param name="pointer" as="xs:string"/>
    <xsl:param name="document" as="element(div)"/>
    <xsl:variable name="target" as="array(xs:string)?" select="$t:pointers($pointer)"/>
    <xsl:sequence select="
      if ($target?1 = 'here') then t:frus-id-href($target?3, $document)
      else if ($target?1 = 'publication') then t:volume-link($target?2, $target?3, '../')
      else ()"/>
  </xsl:function>

  <!-- Where an id of the volume leads from the page of $document (the id
       of a pointer resolved, or of an element the stylesheet links itself). -->
  <xsl:function name="t:frus-id-href" as="xs:string">
    <xsl:param name="id" as="xs:string"/>
    <xsl:param name="document" as="element(div)"/>
    <xsl:variable name="home" as="element(div)?" select="t:frus-target($id, root($document)) ! t:frus-home(.)"/>
    <xsl:sequence select="
      if (empty($home) or $home is $document
          or exists(t:withheld(t:frus-volume-id(root($document)), string($home/@xml:id)))) then '#' || $id
      else if ($home/@xml:id = $id) then $home/@xml:id || '.html'
      else $home/@xml:id || '.html#' || $id"/>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- The volume's contents page: chapters as headings                    -->
  <!-- ================================================================== -->

  <!-- A document kept back by its errors: its number, title and date, why,
       and where the Office of the Historian publishes it; no local link. -->
  <xsl:function name="t:frus-withheld-entry" as="element()">
    <xsl:param name="div" as="element(div)"/>
    <xsl:variable name="volume-id" as="xs:string" select="t:frus-volume-id(root($div))"/>
    <xsl:variable name="when" as="xs:string?" select="t:frus-document-when($div)"/>
    <li class="withheld">
      <xsl:if test="$div/@n castable as xs:integer">
        <xsl:attribute name="value" select="$div/@n"/>
      </xsl:if>
      <span class="withheld-title"><xsl:value-of select="string-join(($div/@n ! (. || '.'), t:frus-document-title($div)), ' ')"/></span>
      <xsl:for-each select="$when[exists(t:date-parts(.))]">
        <xsl:text>, </xsl:text>
        <xsl:value-of select="t:format-when(., false())"/>
      </xsl:for-each>
      <xsl:text>. </xsl:text>
      <span class="withheld-reason">Not published here: <xsl:value-of select="t:withheld($volume-id, string($div/@xml:id))"/></span>
      <xsl:text> </xsl:text>
      <a href="{$t:frus-site || $volume-id || '/' || $div/@xml:id}">Read it at history.state.gov</a>
    </li>
  </xsl:function>

  <!-- What the edition's index page says of the volume: its series and
       subseries (the index groups volumes by them), number and title. -->
  <xsl:template match="TEI[$t:profile = 'frus']" mode="t:collection-facts" as="attribute()*">
    <xsl:variable name="volume" as="document-node()" select="root(.)"/>
    <xsl:variable name="titles" as="map(xs:string, xs:string+)" select="map {
      'series': 'series', 'subseries': ('subseries', 'sub-series'),
      'volume-number': ('volumenumber', 'volume-number'), 'volume': 'volume' }"/>
    <xsl:for-each select="('series', 'subseries', 'volume-number', 'volume')">
      <xsl:variable name="name" as="xs:string" select="."/>
      <xsl:for-each select="t:frus-volume-title($volume, $titles($name))">
        <xsl:attribute name="{$name}" select="."/>
      </xsl:for-each>
    </xsl:for-each>
    <xsl:variable name="withheld" as="xs:integer"
      select="map:size(($t:site-map?withheld?(t:frus-volume-id($volume)), map {})[1])"/>
    <xsl:if test="$withheld gt 0">
      <xsl:attribute name="withheld" select="$withheld"/>
    </xsl:if>
  </xsl:template>

  <xsl:template match="TEI[$t:profile = 'frus']" mode="t:contents" as="element()*">
    <xsl:apply-templates select="text/body" mode="t:contents"/>
  </xsl:template>

  <!-- A run of documents is a numbered list; a division holding documents
       (compilation, chapter) is a section with its head as heading. -->
  <xsl:template match="body[$t:profile = 'frus'] | div[$t:profile = 'frus'][not(@type = 'document')]"
    mode="t:contents" as="element()*">
    <xsl:param name="t:units" as="map(xs:string, document-node())" tunnel="yes"/>
    <xsl:param name="t:level" as="xs:integer" tunnel="yes"/>
    <xsl:variable name="inner-level" as="xs:integer" select="if (self::div and head) then $t:level + 1 else $t:level"/>
    <xsl:variable name="inner" as="element()*">
      <xsl:for-each-group select="child::div[descendant-or-self::div[@type = 'document']]"
        group-adjacent="@type = 'document'">
        <xsl:choose>
          <xsl:when test="current-grouping-key()">
            <ol class="documents contents">
              <!-- documents nested in a document follow it: every document has its line -->
              <xsl:for-each select="current-group()/descendant-or-self::div[@type = 'document']">
                <xsl:variable name="unit" as="document-node()?" select="$t:units(string(@xml:id))"/>
                <xsl:sequence select="if (exists($unit)) then t:contents-entry($unit) else t:frus-withheld-entry(.)"/>
              </xsl:for-each>
            </ol>
          </xsl:when>
          <xsl:otherwise>
            <xsl:apply-templates select="current-group()" mode="t:contents">
              <xsl:with-param name="t:level" as="xs:integer" select="$inner-level" tunnel="yes"/>
            </xsl:apply-templates>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:for-each-group>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="self::div and head">
        <section class="contents-part {@type}">
          <xsl:element name="h{min(($t:level, 6))}">
            <xsl:value-of select="t:plain(head[1])"/>
          </xsl:element>
          <xsl:sequence select="$inner"/>
        </section>
      </xsl:when>
      <xsl:otherwise>
        <xsl:sequence select="$inner"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
