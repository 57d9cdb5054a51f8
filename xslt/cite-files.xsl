<?xml version="1.0" encoding="UTF-8"?>
<!--
  cite-files.xsl: how to cite a TEI document of the edition (a module, included
  by the build's entry: toolkit/formats.py); t:cite-files gives these files (written to
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

  <!-- BibTeX and BibLaTeX in one entry (see docs/outputs.md). For a document
       of a printed volume: @incollection, the volume title as booktitle, the
       series (with its subseries) as series and the volume number as volume
       ("volume 11 of Foreign Relations of the United States, 1961-1963"),
       "Document 256" as pages (with BibLaTeX's pagination "none", so that no
       "p." is put before it), the volume's year as year; the document's date
       as BibLaTeX's origdate and, for BibTeX styles, in the note. The sender
       is a body: double braces keep BibTeX from splitting it into names.
       No "type", "chapter" or "month": bibtex's styles print them as
       "telegram 256" and "12 1962", and biber rejects "type" here. The general
       editor has no field (BibLaTeX's editortype has no "general editor"). -->
  <xsl:function name="t:bibtex" as="xs:string">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="m" as="map(xs:string, item()*)" select="t:meta($root)"/>
    <xsl:variable name="printed" as="xs:boolean" select="exists($m?series)"/>
    <xsl:variable name="note" as="xs:string*" select="(
      string-join(($m?telegram ! ('Telegram ' || .), t:cite-dateline($m)), ', ')[.],
      $m?classification,
      $m?archival ! ('Source: ' || .))"/>
    <xsl:variable name="fields" as="xs:string*" select="(
      $m?sender ! ('author = {{' || t:bib-escape(t:strip-the(.)) || '}}'),
      'title = {{' || t:bib-escape($m?title) || '}}',
      (if ($printed) then (
        'booktitle = {' || t:bib-escape(($m?volume-title, $m?series)[1]) || '}',
        $m?volume-title ! ('series = {' || t:bib-escape($m?series) || '}'),
        $m?volume ! ('volume = {' || t:bib-escape(.) || '}'),
        $m?location ! ('pages = {' || t:bib-escape(.) || '}'),
        $m?location ! 'pagination = {none}',
        (if (exists($m?editors)) then 'editor = {' || string-join($m?editors ! t:bib-name(.), ' and ') || '}' else ()),
        $m?publisher ! ('publisher = {' || t:bib-escape(.) || '}'),
        $m?pub-place ! ('address = {' || t:bib-escape(.) || '}'),
        $m?pub-year ! ('year = {' || . || '}'),
        $m?original-date ! ('origdate = {' || . || '}'))
      else (
        $m?edition ! ('publisher = {' || t:bib-escape(.) || '}'),
        $m?date-parts[1] ! ('year = {' || . || '}'),
        $m?original-date ! ('date = {' || . || '}'))),
      (if (exists($note)) then 'note = {' || t:bib-escape(t:sentences($note)) || '}' else ()),
      'url = {' || replace($m?url, '([{}])', '\\$1') || '}',
      'urldate = {' || t:plain-date($m?accessed) || '}',
      $m?language ! ('langid = {' || t:bib-escape(.) || '}'))"/>
    <xsl:sequence select="(if ($printed) then '@incollection{' else '@misc{') || $m?id || ',&#10;  '
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

  <!-- RIS as Zotero's RIS translator reads it (docs/outputs.md): CHAP with
       the volume title in T2 (bookTitle), the series in T3, editors in A2, the
       general editor in A3 (seriesEditor), "Document 256" in SP (pages), the
       volume's year in PY, the archive in DB and the file in AN, the access
       date in Y2 and the document's date as an "Original Date:" line of M2
       (Extra), which Zotero hands to CSL styles as original-date. AU without
       a comma: Zotero keeps the sender whole as one name. -->
  <xsl:function name="t:ris" as="xs:string">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="m" as="map(xs:string, item()*)" select="t:meta($root)"/>
    <xsl:variable name="printed" as="xs:boolean" select="exists($m?series)"/>
    <xsl:variable name="lines" as="xs:string*" select="(
      t:ris-line('TY', if ($printed) then 'CHAP' else 'GEN'),
      t:ris-line('ID', $m?id),
      $m?sender ! t:ris-line('AU', t:strip-the(.)),
      t:ris-line('TI', $m?title),
      (if ($printed) then (
        t:ris-line('T2', ($m?volume-title, $m?series)[1]),
        $m?volume-title ! t:ris-line('T3', $m?series),
        $m?editors ! t:ris-line('A2', string-join((@family, @given[.]), ', ')),
        $m?general-editors ! t:ris-line('A3', string-join((@family, @given[.]), ', ')),
        $m?volume ! t:ris-line('VL', .),
        $m?location ! t:ris-line('SP', .),
        $m?pub-year ! t:ris-line('PY', .),
        $m?pub-place ! t:ris-line('CY', .),
        $m?publisher ! t:ris-line('PB', .),
        $m?original-date ! t:ris-line('M2', 'Original Date: ' || .))
      else (
        $m?date-parts[1] ! t:ris-line('PY', string(.)),
        t:slash-date($m?when) ! t:ris-line('DA', .),
        $m?edition ! t:ris-line('PB', .))),
      $m?archive ! t:ris-line('DB', .),
      $m?archival ! t:ris-line('AN', .),
      $m?language ! t:ris-line('LA', .),
      $m?keywords ! t:ris-line('KW', .),
      t:ris-line('UR', $m?url),
      t:ris-line('Y2', format-date($m?accessed, '[Y0001]/[M01]/[D01]')),
      t:sentences((string-join(($m?telegram ! ('Telegram ' || .), t:cite-dateline($m)), ', ')[.],
        $m?classification))[.] ! t:ris-line('N1', .),
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

  <!-- CSL-JSON (CSL data schema 1.0.2), shaped as the Office of the
       Historian describes its own documents and as Zotero imports it: a
       chapter whose container is the volume (container-title: the volume
       title), in a collection (collection-title: the series, collection-number:
       the subseries), volume 11, page "Document 256", issued in the volume's
       year, with the document's date as original-date (and, for Zotero, which
       keeps no original-date of its own, as an "Original Date:" line of the
       note, its Extra field). The sender is a literal name (Zotero: one field).
       No recipient (Zotero would make it a second author; the title names the
       addressee), no genre or number (styles print "Telegram 2477 no. 256"). -->
  <xsl:function name="t:csl-json" as="xs:string">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="m" as="map(xs:string, item()*)" select="t:meta($root)"/>
    <xsl:variable name="printed" as="xs:boolean" select="exists($m?series)"/>
    <xsl:variable name="accessed" as="xs:date" select="$m?accessed"/>
    <xsl:variable name="entries" as="map(xs:string, item())*" select="(
      map { 'id': $m?id },
      map { 'type': if ($printed) then 'chapter' else 'document' },
      map { 'title': $m?title },
      $m?sender ! map { 'author': [ map { 'literal': t:strip-the(.) } ] },
      (if ($printed) then (
        map { 'container-title': ($m?volume-title, $m?series)[1] },
        (if (exists($m?volume-title)) then map { 'collection-title': $m?series-title } else ()),
        (if (exists($m?volume-title)) then $m?subseries ! map { 'collection-number': . } else ()),
        $m?volume ! map { 'volume': . },
        $m?location ! map { 'page': . },
        (if (exists($m?editors)) then map { 'editor': array { $m?editors ! t:csl-name(.) } } else ()),
        (if (exists($m?general-editors)) then map { 'collection-editor': array { $m?general-editors ! t:csl-name(.) } } else ()),
        $m?publisher ! map { 'publisher': . },
        $m?pub-place ! map { 'publisher-place': . },
        $m?pub-year ! map { 'issued': t:csl-date(xs:integer(.)) },
        (if (exists($m?date-parts)) then map { 'original-date': t:csl-date($m?date-parts) } else ()),
        $m?original-date ! map { 'note': 'Original Date: ' || . })
      else (
        $m?edition ! map { 'publisher': . },
        (if (exists($m?date-parts)) then map { 'issued': t:csl-date($m?date-parts) } else ()))),
      map { 'accessed': t:csl-date((year-from-date($accessed), month-from-date($accessed), day-from-date($accessed))) },
      map { 'URL': $m?url },
      $m?archive ! map { 'archive': . },
      $m?archival ! map { 'archive_location': . },
      $m?language ! map { 'language': . }
    )"/>
    <xsl:sequence select="serialize(array { map:merge($entries) }, map {
      'method': 'json', 'indent': true(), 'escape-solidus': false()
    }) || '&#10;'"/>
  </xsl:function>

</xsl:stylesheet>
