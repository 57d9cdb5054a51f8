<?xml version="1.0" encoding="UTF-8"?>
<!--
  cite-files.xsl: how to cite a TEI document of the edition (a module, included
  by cite.xsl and edition.xsl); t:cite-files gives these files (written to
  build/cite/ by toolkit/build.py):

    <id>.txt            Chicago note and bibliography, MLA, APA as plain text
    <id>.html           the same with italics and links, plus the passage citations
    <id>.passages.txt   a Chicago-style note for each numbered paragraph
    <id>.bib            BibTeX / BibLaTeX (@incollection, key = the FRUS id)
    <id>.ris            RIS (TY  - CHAP)
    <id>.json           CSL-JSON: an array with one item

  Everything comes from the teiHeader through common.xsl; the styles are
  composed in citations.xsl. The machine-readable formats date the item by the
  document (the telegram's date); the volume's publication year is in their
  note field and in the text citations.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:telegram2477:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all">


  <!-- The files of the citation output for a TEI document. -->
  <xsl:function name="t:cite-files" as="element(t:file)+">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="id" as="xs:string" select="t:doc-path($root)"/>
    <xsl:sequence select="
      t:file('cite', $id || '.txt', t:citations-text($root)),
      t:file('cite', $id || '.html', t:citations-html($root)),
      t:file('cite', $id || '.passages.txt', t:passages-text($root)),
      t:file('cite', $id || '.bib', t:bibtex($root)),
      t:file('cite', $id || '.ris', t:ris($root)),
      t:file('cite', $id || '.json', t:csl-json($root))"/>
  </xsl:function>

  <!-- The numbered paragraphs, the units of a passage citation. -->
  <xsl:function name="t:numbered-paragraphs" as="element()*">
    <xsl:param name="root" as="node()"/>
    <xsl:sequence select="root($root)//text//p[t:is-numbered(.)]"/>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- Text and HTML                                                       -->
  <!-- ================================================================== -->

  <xsl:function name="t:citations-text" as="xs:string">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="blocks" as="xs:string*">
      <xsl:sequence select="'How to cite: ' || t:title($root)"/>
      <xsl:for-each select="$t:citation-order">
        <xsl:sequence select="$t:citation-styles(.) || ':&#10;' || t:wrap(t:rich-text(t:citation($root, ., ())), 72)"/>
      </xsl:for-each>
    </xsl:variable>
    <xsl:sequence select="string-join($blocks, '&#10;&#10;') || '&#10;'"/>
  </xsl:function>

  <xsl:function name="t:passages-text" as="xs:string">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="blocks" as="xs:string*">
      <xsl:sequence select="'Passage citations (Chicago, note): ' || t:title($root)"/>
      <xsl:for-each select="t:numbered-paragraphs($root)">
        <xsl:sequence select="'¶' || t:paragraph-number(.) || '&#10;'
          || t:wrap(t:rich-text(t:citation($root, 'chicago-note', .)), 72)"/>
      </xsl:for-each>
    </xsl:variable>
    <xsl:sequence select="string-join($blocks, '&#10;&#10;') || '&#10;'"/>
  </xsl:function>

  <xsl:function name="t:citations-html" as="xs:string">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="title" as="xs:string" select="t:title($root)"/>
    <xsl:variable name="id" as="xs:string" select="t:doc-id($root)"/>
    <xsl:variable name="page" as="element()">
      <html lang="{t:language($root)}">
        <head>
          <meta charset="utf-8"/>
          <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <link rel="icon" href="data:,"/>
          <title>Cite: <xsl:value-of select="$title"/></title>
          <link rel="stylesheet" href="{t:up($root)}../html/edition.css"/>
        </head>
        <body>
          <main class="citations-page">
            <h1>How to cite <a href="{t:up($root)}../html/{t:page-name($root)}"><xsl:value-of select="$title"/></a></h1>
            <xsl:for-each select="$t:citation-order">
              <section>
                <h2><xsl:value-of select="$t:citation-styles(.)"/></h2>
                <p class="citation"><xsl:apply-templates select="t:citation($root, ., ())" mode="t:rich-html"/></p>
              </section>
            </xsl:for-each>
            <section>
              <h2>Reference files</h2>
              <ul>
                <li><a href="{$id}.bib" type="application/x-bibtex">BibTeX</a></li>
                <li><a href="{$id}.ris" type="application/x-research-info-systems">RIS</a></li>
                <li><a href="{$id}.json" type="application/vnd.citationstyles.csl+json">CSL-JSON</a></li>
              </ul>
            </section>
            <xsl:if test="exists(t:numbered-paragraphs($root))">
              <section>
                <h2>Passages (Chicago, note)</h2>
                <ol class="passages">
                  <xsl:for-each select="t:numbered-paragraphs($root)">
                    <li value="{t:paragraph-number(.)}">
                      <xsl:apply-templates select="t:citation($root, 'chicago-note', .)" mode="t:rich-html"/>
                    </li>
                  </xsl:for-each>
                </ol>
              </section>
            </xsl:if>
          </main>
        </body>
      </html>
    </xsl:variable>
    <xsl:sequence select="t:serialize-html($page)"/>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- BibTeX                                                              -->
  <!-- ================================================================== -->

  <!-- A BibTeX field value: special characters escaped, en dashes as "\-\-". -->
  <xsl:function name="t:bib-escape" as="xs:string">
    <xsl:param name="text" as="xs:string"/>
    <xsl:sequence select="replace(replace(replace(normalize-space($text), '([&amp;%$#_{}])', '\\$1'), '–', '--'), '—', '---')"/>
  </xsl:function>

  <xsl:function name="t:bib-name" as="xs:string">
    <xsl:param name="name" as="element(t:name)"/>
    <xsl:sequence select="t:bib-escape(string-join(($name/@family, $name/@given[.]), ', '))"/>
  </xsl:function>

  <xsl:function name="t:bibtex" as="xs:string">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="m" as="map(xs:string, item()*)" select="t:meta($root)"/>
    <xsl:variable name="parts" as="xs:integer*" select="$m?date-parts"/>
    <xsl:variable name="iso" as="xs:string?" select="t:iso-date($m?when)"/>
    <xsl:variable name="note" as="xs:string*" select="(
      $m?telegram ! ('Telegram ' || .),
      t:cite-dateline($m),
      $m?document ! ('Document ' || .),
      $m?classification,
      $m?archival ! ('Source: ' || .),
      (if (exists($m?series) and exists($m?pub-year)) then 'Volume published ' || $m?pub-year else ()))"/>
    <xsl:variable name="fields" as="xs:string*" select="(
      $m?sender ! ('author = {{' || t:bib-escape(t:strip-the(.)) || '}}'),
      'title = {{' || t:bib-escape($m?title) || '}}',
      $m?series ! ('booktitle = {' || t:bib-escape(.) || '}'),
      $m?volume ! ('volume = {' || t:bib-escape(.) || '}'),
      $m?volume-title ! ('booksubtitle = {' || t:bib-escape(.) || '}'),
      (if (exists($m?editors)) then 'editor = {' || string-join($m?editors ! t:bib-name(.), ' and ') || '}' else ()),
      $m?publisher ! ('publisher = {' || t:bib-escape(.) || '}'),
      $m?pub-place ! ('address = {' || t:bib-escape(.) || '}'),
      $parts[1] ! ('year = {' || . || '}'),
      $parts[2] ! ('month = {' || . || '}'),
      $iso ! ('date = {' || . || '}'),
      $m?document ! ('chapter = {' || . || '}'),
      $m?telegram ! ('type = {Telegram}'),
      (if (exists($note)) then 'note = {' || t:bib-escape(t:sentences($note)) || '}' else ()),
      'url = {' || replace($m?url, '([{}])', '\\$1') || '}',
      'urldate = {' || string($t:access-date) || '}',
      $m?language ! ('langid = {' || t:bib-escape(.) || '}'))"/>
    <xsl:sequence select="(if (exists($m?series)) then '@incollection{' else '@misc{') || $m?id || ',&#10;  '
      || string-join($fields, ',&#10;  ') || '&#10;}&#10;'"/>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- RIS                                                                 -->
  <!-- ================================================================== -->

  <!-- Phrases as sentences: "A. B." (no doubled full stops). -->
  <xsl:function name="t:sentences" as="xs:string">
    <xsl:param name="phrases" as="xs:string*"/>
    <xsl:sequence select="string-join($phrases[normalize-space()] ! t:end-with-period(normalize-space(.)), ' ')"/>
  </xsl:function>

  <xsl:function name="t:ris-line" as="xs:string">
    <xsl:param name="tag" as="xs:string"/>
    <xsl:param name="value" as="xs:string"/>
    <xsl:sequence select="$tag || '  - ' || normalize-space($value)"/>
  </xsl:function>

  <xsl:function name="t:ris" as="xs:string">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="m" as="map(xs:string, item()*)" select="t:meta($root)"/>
    <xsl:variable name="parts" as="xs:integer*" select="$m?date-parts"/>
    <xsl:variable name="lines" as="xs:string*" select="(
      t:ris-line('TY', if (exists($m?series)) then 'CHAP' else 'GEN'),
      t:ris-line('ID', $m?id),
      $m?sender ! t:ris-line('AU', t:strip-the(.)),
      t:ris-line('TI', $m?title),
      $m?series ! t:ris-line('T2', .),
      $m?editors ! t:ris-line('A2', string-join((@family, @given[.]), ', ')),
      $m?volume ! t:ris-line('VL', .),
      $m?document ! t:ris-line('SE', 'Document ' || .),
      $parts[1] ! t:ris-line('PY', string(.)),
      t:slash-date($m?when) ! t:ris-line('DA', .),
      $m?pub-place ! t:ris-line('CY', .),
      $m?publisher ! t:ris-line('PB', .),
      $m?telegram ! t:ris-line('M3', 'Telegram'),
      $m?archive ! t:ris-line('DB', .),
      $m?archival ! t:ris-line('AN', .),
      $m?language ! t:ris-line('LA', .),
      t:keywords($root) ! t:ris-line('KW', .),
      t:ris-line('UR', $m?url),
      t:ris-line('Y2', format-date($t:access-date, '[Y0001]/[M01]/[D01]')),
      t:sentences(($m?telegram ! ('Telegram ' || .), t:cite-dateline($m),
        $m?volume-title ! ('Volume ' || $m?volume || ': ' || .), $m?document ! ('Document ' || .),
        $m?classification, (if (exists($m?series)) then $m?pub-year ! ('Volume published ' || .) else ())))[.] ! t:ris-line('N1', .),
      'ER  - ')"/>
    <xsl:sequence select="string-join($lines, '&#10;') || '&#10;'"/>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- CSL-JSON                                                            -->
  <!-- ================================================================== -->

  <xsl:function name="t:csl-name" as="map(xs:string, xs:string)">
    <xsl:param name="name" as="element(t:name)"/>
    <xsl:sequence select="if ($name/@given != '') then map { 'family': string($name/@family), 'given': string($name/@given) }
                          else map { 'family': string($name/@family) }"/>
  </xsl:function>

  <xsl:function name="t:csl-date" as="map(xs:string, array(*))">
    <xsl:param name="parts" as="xs:integer+"/>
    <xsl:sequence select="map { 'date-parts': [ array { $parts } ] }"/>
  </xsl:function>

  <xsl:function name="t:csl-json" as="xs:string">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="m" as="map(xs:string, item()*)" select="t:meta($root)"/>
    <xsl:variable name="parts" as="xs:integer*" select="$m?date-parts"/>
    <xsl:variable name="entries" as="map(xs:string, item())*" select="(
      map { 'id': $m?id },
      map { 'type': if (exists($m?series)) then 'chapter' else 'document' },
      map { 'title': $m?title },
      $m?series ! map { 'container-title': . },
      $m?volume ! map { 'volume': . },
      $m?volume-title ! map { 'volume-title': . },
      $m?document ! map { 'number': . },
      $m?telegram ! map { 'genre': 'Telegram ' || . },
      $m?sender ! map { 'author': [ map { 'literal': t:strip-the(.) } ] },
      $m?addressee ! map { 'recipient': [ map { 'literal': t:strip-the(.) } ] },
      (if (exists($m?editors)) then map { 'editor': array { $m?editors ! t:csl-name(.) } } else ()),
      (if (exists(t:general-editors($root))) then map { 'collection-editor': array { t:general-editors($root) ! t:csl-name(.) } } else ()),
      $m?publisher ! map { 'publisher': . },
      $m?pub-place ! map { 'publisher-place': . },
      $m?place ! map { 'event-place': . },
      (if (exists($parts)) then map { 'issued': t:csl-date($parts) } else ()),
      map { 'accessed': t:csl-date((year-from-date($t:access-date), month-from-date($t:access-date), day-from-date($t:access-date))) },
      map { 'URL': $m?url },
      $m?archive ! map { 'archive': . },
      $m?archival ! map { 'archive_location': . },
      $m?language ! map { 'language': . },
      (if (exists($m?series) and exists($m?pub-year)) then map { 'note': 'Volume published ' || $m?pub-year || '.' } else ())
    )"/>
    <xsl:sequence select="serialize(array { map:merge($entries) }, map {
      'method': 'json', 'indent': true(), 'escape-solidus': false()
    }) || '&#10;'"/>
  </xsl:function>

</xsl:stylesheet>
