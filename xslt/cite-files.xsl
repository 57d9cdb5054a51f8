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
  xmlns:fn="http://www.w3.org/2005/xpath-functions"
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

  <!-- A BibTeX field value that any text leaves readable and inert: each
       character TeX treats specially becomes the toolkit's own escape for it
       (a backslash from the text, as in "\input secrets.tex", becomes
       \textbackslash{}, so no command of the text reaches TeX; a lone brace
       becomes \textbraceleft{} or \textbraceright{}, so braces stay balanced
       for BibTeX, biber and pybtex), dashes as TeX writes them. One pass
       (analyze-string), linear in the text. -->
  <xsl:variable name="t:bib-escapes" as="map(xs:string, xs:string)" select="map {
    '\': '\textbackslash{}', '{': '\textbraceleft{}', '}': '\textbraceright{}',
    '~': '\textasciitilde{}', '^': '\textasciicircum{}', '&amp;': '\&amp;', '%': '\%',
    '$': '\$', '#': '\#', '_': '\_', '–': '--', '—': '---'
  }"/>
  <xsl:function name="t:bib-escape" as="xs:string">
    <xsl:param name="text" as="xs:string"/>
    <xsl:variable name="plain" as="xs:string" select="normalize-space($text)"/>
    <!-- most fields have none of the characters: no analyze-string (a tree built per field) for them -->
    <xsl:sequence select="if (translate($plain, '\{}~^&amp;%$#_–—', '') eq $plain) then $plain
      else string-join(analyze-string($plain, '[\\{}~^&amp;%$#_–—]')/*
      ! (if (self::fn:match) then $t:bib-escapes(string(.)) else string(.)))"/>
  </xsl:function>

  <!-- A BibTeX entry key: only letters, digits and . : _ - (a FRUS idno is data;
       a comma, brace or newline in it would end the key and start fields). -->
  <xsl:function name="t:bib-key" as="xs:string">
    <xsl:param name="id" as="xs:string"/>
    <xsl:variable name="key" as="xs:string" select="replace($id, '[^A-Za-z0-9.:_\-]', '')"/>
    <xsl:sequence select="if ($key) then $key else 'document'"/>
  </xsl:function>

  <!-- A URL in a BibTeX field: braces, backslashes and spaces percent-encoded
       (RFC 3986 allows none of them raw), so the field's braces stay balanced. -->
  <xsl:function name="t:bib-url" as="xs:string">
    <xsl:param name="url" as="xs:string"/>
    <xsl:sequence select="string-join(analyze-string($url, '[{}\\\s]')/*
      ! (if (self::fn:match) then '%' || upper-case(t:hex(string-to-codepoints(string(.)))) else string(.)))"/>
  </xsl:function>

  <!-- Two hexadecimal digits of a code point below 256 (enough for t:bib-url's characters). -->
  <xsl:function name="t:hex" as="xs:string">
    <xsl:param name="codepoint" as="xs:integer"/>
    <xsl:variable name="digits" as="xs:string" select="'0123456789abcdef'"/>
    <xsl:sequence select="substring($digits, $codepoint idiv 16 + 1, 1) || substring($digits, $codepoint mod 16 + 1, 1)"/>
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
        $m?pub-year ! ('year = {' || t:bib-escape(.) || '}'),
        $m?original-date ! ('origdate = {' || t:bib-escape(.) || '}'))
      else (
        $m?edition ! ('publisher = {' || t:bib-escape(.) || '}'),
        $m?date-parts[1] ! ('year = {' || . || '}'),
        $m?original-date ! ('date = {' || t:bib-escape(.) || '}'))),
      (if (exists($note)) then 'note = {' || t:bib-escape(t:sentences($note)) || '}' else ()),
      'url = {' || t:bib-url($m?url) || '}',
      'urldate = {' || t:plain-date($m?accessed) || '}',
      $m?language ! ('langid = {' || t:bib-escape(.) || '}'))"/>
    <xsl:sequence select="(if ($printed) then '@incollection{' else '@misc{') || t:bib-key($m?id) || ',&#10;  '
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

  <!-- CSL-JSON (CSL data schema 1.0.2), shaped so that citeproc-js (the
       engine of Zotero and Mendeley) with the official Chicago, MLA and APA
       styles prints what the Office of the Historian recommends ("Foreign
       Relations of the United States, 1961–1963, Volume XI, Cuban Missile
       Crisis and Aftermath, eds. … (Washington: …, 1996), Document 256"): a
       chapter of a multivolume work whose container is the series with its
       subseries (container-title), the volume as printed ("Volume XI"), the
       volume's own title (volume-title), its editors (editor; the general
       editor left out, as the Office of the Historian does), the document
       number once, as a number ("Document 256"; as a page MLA and APA printed
       "p. Document 256"), issued in the volume's year, with the document's
       date as original-date. No archive: the archival file is the volume's
       source note, not where the reader found the document (the styles printed
       it after the imprint). Zotero keeps volume-title, number and
       original-date only in Extra: the note repeats them as "Key: value" lines,
       which Zotero hands back to citeproc-js as the same variables. The sender
       is a literal name (Zotero: one field). No recipient (Zotero would make it
       a second author; the title names the addressee), no genre. Where a style
       still differs from the recommendation, docs/outputs.md says why. -->
  <xsl:function name="t:csl-json" as="xs:string">
    <xsl:param name="root" as="document-node()"/>
    <xsl:variable name="m" as="map(xs:string, item()*)" select="t:meta($root)"/>
    <xsl:variable name="printed" as="xs:boolean" select="exists($m?series)"/>
    <xsl:variable name="accessed" as="xs:date" select="$m?accessed"/>
    <xsl:variable name="volume" as="xs:string?" select="($m?volume-label, $m?volume)[1] ! ('Volume ' || .)"/>
    <xsl:variable name="extra" as="xs:string*" select="
      $m?original-date ! ('Original Date: ' || .),
      $m?volume-title ! ('Volume Title: ' || .),
      $m?location ! ('Number: ' || .)"/>
    <xsl:variable name="entries" as="map(xs:string, item())*" select="(
      map { 'id': $m?id },
      map { 'type': if ($printed) then 'chapter' else 'document' },
      map { 'title': $m?title },
      $m?sender ! map { 'author': [ map { 'literal': t:strip-the(.) } ] },
      (if ($printed) then (
        map { 'container-title': $m?series },
        $volume ! map { 'volume': . },
        $m?volume-title ! map { 'volume-title': . },
        $m?location ! map { 'number': . },
        (if (exists($m?editors)) then map { 'editor': array { $m?editors ! t:csl-name(.) } } else ()),
        $m?publisher ! map { 'publisher': . },
        $m?pub-place ! map { 'publisher-place': . },
        $m?pub-year ! map { 'issued': t:csl-date(xs:integer(.)) },
        (if (exists($m?date-parts)) then map { 'original-date': t:csl-date($m?date-parts) } else ()),
        (if (exists($extra)) then map { 'note': string-join($extra, '&#10;') } else ()))
      else (
        $m?edition ! map { 'publisher': . },
        (if (exists($m?date-parts)) then map { 'issued': t:csl-date($m?date-parts) } else ()))),
      map { 'accessed': t:csl-date((year-from-date($accessed), month-from-date($accessed), day-from-date($accessed))) },
      map { 'URL': $m?url },
      $m?language ! map { 'language': . }
    )"/>
    <xsl:sequence select="serialize(array { map:merge($entries) }, map {
      'method': 'json', 'indent': true(), 'escape-solidus': false()
    }) || '&#10;'"/>
  </xsl:function>

</xsl:stylesheet>
