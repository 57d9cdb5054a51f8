<?xml version="1.0" encoding="UTF-8"?>
<!--
  citations.xsl: how to cite a document of the edition, shared by
  cite-files.xsl (the citation files) and html-page.xsl (the "Cite this
  document" section); included by edition.xsl.

  The styles are composed from the teiHeader (through the accessors of
  common.xsl): Chicago notes-bibliography (note and bibliography forms, 17th
  ed.), MLA (9th ed.) and APA (7th ed.), plus a Chicago-style note for each
  paragraph (passage citations).

  A citation is built as rich text, <t:rich>text <t:i>italic</t:i> <t:url>…</t:url></t:rich>,
  so that one definition serves plain text (t:rich-text: italics dropped) and
  HTML (mode t:rich-html: <i> and links).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:fn="http://www.w3.org/2005/xpath-functions"
  xmlns:t="urn:telegram2477:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all">

  <!-- The citation styles, in the order they are shown, with their labels. -->
  <xsl:variable name="t:citation-styles" as="map(xs:string, xs:string)" select="map {
    'chicago-note': 'Chicago, note',
    'chicago-bibliography': 'Chicago, bibliography',
    'mla': 'MLA (9th edition)',
    'apa': 'APA (7th edition)'
  }"/>
  <xsl:variable name="t:citation-order" as="xs:string+"
    select="('chicago-note', 'chicago-bibliography', 'mla', 'apa')"/>

  <!-- t:meta: everything a citation needs, read once from the header. Every
       output that cites (the four styles here, the BibTeX, RIS and CSL-JSON
       files of cite-files.xsl, the Highwire and Dublin Core tags of
       html-page.xsl) reads only this map, never the header itself, so a kind of
       document that is described elsewhere (a FRUS volume's document: its
       volume header and its div) serves every format by giving the same keys.
       docs/outputs.md has a table of which format uses which key. The keys
       (stable: add, do not rename), with the telegram's values:

         id              citation key, "frus1961-63v11d256"
         title           the document's title
         telegram        the telegram's own number, "2477" (or empty)
         sender          "the United States Mission to the United Nations" (a body)
         addressee       "the Department of State"
         place           where it was sent from, "New York"
         when            its date as ISO 8601, "1962-12-23T14:00:00"
         date            the same in words, "December 23, 1962, 2 p.m."
         date-parts      (1962, 12, 23)
         original-date   "1962-12-23": the document's date, the "original date"
                         of a document republished in a printed volume
         series          the series with its subseries, "Foreign Relations of
                         the United States, 1961–1963" (empty: no printed source)
         series-title    "Foreign Relations of the United States"
         subseries       "1961–1963"
         volume          "11" (the number); volume-label "XI" (as printed)
         volume-title    "Cuban Missile Crisis and Aftermath" (the book's title)
         document        "256"; location "Document 256" (where in the volume,
                         as the Office of the Historian cites it)
         editors         the volume's editors (t:name elements), not the general
                         editor; general-editors: the series' general editor
         publisher, pub-place, pub-year   the volume's imprint; pub-year "1996"
                         is the publication year of every citation
         archive         "National Archives and Records Administration"
         archival        "Department of State, Central Files, 737.56361/12-2362"
         classification  "Confidential; Limit Distribution"
         url             this edition's page; edition: its publisher
         language        "en"; keywords: the subject terms
         accessed        the access date (xs:date, without a time zone, so that
                         it prints as a plain YYYY-MM-DD)

       cache="yes": every citation (four styles, one per numbered paragraph, the
       ¶ link titles) asks for the same map; computing it reads some twenty header
       fields through t:plain, so it is computed once per document and
       transformation (Saxon keeps the cache per transformation, so a changed
       t:edition-url or t:access-date is never served from an old run). -->
  <xsl:function name="t:meta" as="map(xs:string, item()*)" cache="yes">
    <xsl:param name="root" as="node()"/>
    <xsl:variable name="when" as="xs:string?" select="t:when($root)"/>
    <xsl:variable name="series" as="xs:string?" select="t:series-title($root)"/>
    <xsl:variable name="document" as="xs:string?" select="t:document-number($root)"/>
    <xsl:sequence select="map {
      'id': t:frus-id($root),
      'title': t:title($root),
      'telegram': t:telegram-number($root),
      'sender': t:sender($root),
      'addressee': t:addressee($root),
      'place': t:place($root),
      'when': $when,
      'date': $when[exists(t:date-parts(.))] ! t:format-when(., true()),
      'date-parts': t:date-parts($when),
      'original-date': t:iso-date($when),
      'series': $series,
      'series-title': $series ! t:split-series(.)[1],
      'subseries': $series ! t:split-series(.)[2],
      'volume': t:volume-number($root),
      'volume-label': t:volume-label($root),
      'volume-title': t:volume-title($root),
      'document': $document,
      'location': $document ! ('Document ' || .),
      'editors': t:editors($root),
      'general-editors': t:general-editors($root),
      'publisher': t:publisher($root),
      'pub-place': t:pub-place($root),
      'pub-year': t:pub-year($root),
      'archive': t:archive($root),
      'archival': t:archival-source($root),
      'classification': t:classification($root),
      'url': t:cite-url($root),
      'edition': t:edition-publisher($root),
      'language': t:language($root),
      'keywords': t:keywords($root),
      'accessed': adjust-date-to-timezone($t:access-date, ())
    }"/>
  </xsl:function>

  <!-- A series title and its subseries: "Foreign Relations of the United
       States, 1961–1963" is ("Foreign Relations of the United States",
       "1961–1963"); a title without a trailing span of years is itself.
       cache="yes": t:meta asks twice a document, and analyze-string builds a
       tree each time (a FRUS volume's units share one series). -->
  <xsl:function name="t:split-series" as="xs:string+" cache="yes">
    <xsl:param name="series" as="xs:string"/>
    <xsl:variable name="parts" as="xs:string*"
      select="analyze-string($series, '^(.+?),\s*(\d{4}(\s*[–-]\s*\d{2,4})?)$')/fn:match/fn:group[@nr = (1, 2)] ! string(.)"/>
    <xsl:sequence select="if (count($parts) = 2) then $parts else $series"/>
  </xsl:function>

  <!-- A date as ISO 8601 without a time zone, "2025-01-15". -->
  <xsl:function name="t:plain-date" as="xs:string">
    <xsl:param name="date" as="xs:date"/>
    <xsl:sequence select="format-date($date, '[Y0001]-[M01]-[D01]')"/>
  </xsl:function>

  <!-- "Telegram 2477 from the X to the Y", or the title in quotation marks. -->
  <xsl:function name="t:cite-what" as="xs:string">
    <xsl:param name="m" as="map(xs:string, item()*)"/>
    <xsl:sequence select="
      if (exists($m?telegram) and exists($m?sender) and exists($m?addressee))
      then 'Telegram ' || $m?telegram || ' from the ' || t:strip-the($m?sender) || ' to the ' || t:strip-the($m?addressee)
      else '“' || $m?title || '”'"/>
  </xsl:function>

  <xsl:function name="t:strip-the" as="xs:string">
    <xsl:param name="name" as="xs:string"/>
    <xsl:sequence select="replace($name, '^[Tt]he\s+', '')"/>
  </xsl:function>

  <!-- "Edward C. Keefer, Charles S. Sampson, and Louis J. Smith" -->
  <xsl:function name="t:editor-names" as="xs:string?">
    <xsl:param name="m" as="map(xs:string, item()*)"/>
    <xsl:sequence select="if (exists($m?editors)) then t:and-list($m?editors ! string(@full), 'and') else ()"/>
  </xsl:function>

  <!-- APA: "E. C. Keefer, C. S. Sampson, &amp; L. J. Smith" -->
  <xsl:function name="t:apa-editor-names" as="xs:string?">
    <xsl:param name="m" as="map(xs:string, item()*)"/>
    <xsl:variable name="names" as="xs:string*" select="$m?editors ! normalize-space(t:initials(string(@given)) || ' ' || @family)"/>
    <xsl:sequence select="if (exists($names)) then t:and-list($names, '&amp;') else ()"/>
  </xsl:function>

  <xsl:function name="t:initials" as="xs:string">
    <xsl:param name="given" as="xs:string"/>
    <xsl:sequence select="string-join(tokenize($given, '[\s.]+')[.] ! (substring(., 1, 1) || '.'), ' ')"/>
  </xsl:function>

  <!-- The date and time in words, for the document ("December 23, 1962, 2 p.m."). -->
  <xsl:function name="t:cite-dateline" as="xs:string?">
    <xsl:param name="m" as="map(xs:string, item()*)"/>
    <xsl:sequence select="string-join(($m?place, $m?date), ', ')[.]"/>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- The styles                                                          -->
  <!-- ================================================================== -->

  <!-- A citation of the document, or of one paragraph when $paragraph is given.
       The document's citations are kept once made (t:document-citation); a
       paragraph's is made when asked (a copy of the document's note with the
       paragraph's number, t:paragraph-citation-pattern): kept, one for each
       paragraph of a document, they held memory for the whole transformation
       and made a 50 MB page's collector work harder per MB (bench/README.md,
       "Large documents, round four"). -->
  <xsl:function name="t:citation" as="element(t:rich)">
    <xsl:param name="root" as="node()"/>
    <xsl:param name="style" as="xs:string"/>
    <xsl:param name="paragraph" as="element()?"/>
    <xsl:sequence select="if (exists($paragraph)) then t:composed-citation($root, $style, $paragraph)
                          else t:document-citation($root, $style)"/>
  </xsl:function>

  <xsl:function name="t:document-citation" as="element(t:rich)" cache="yes">
    <xsl:param name="root" as="node()"/>
    <xsl:param name="style" as="xs:string"/>
    <xsl:sequence select="t:composed-citation($root, $style, ())"/>
  </xsl:function>

  <xsl:function name="t:composed-citation" as="element(t:rich)">
    <xsl:param name="root" as="node()"/>
    <xsl:param name="style" as="xs:string"/>
    <xsl:param name="paragraph" as="element()?"/>
    <!-- The header map of the document: callers pass the document node or, for
         the ¶ links, the paragraph itself; both give the same map (every field
         is read from root($root), only t:doc-id's fallback reads base-uri), so
         the document node is used and t:meta's cache is hit. -->
    <xsl:variable name="meta-root" as="node()"
      select="if (base-uri($root) = base-uri(root($root))) then root($root) else $root"/>
    <xsl:variable name="number" as="xs:string?" select="$paragraph ! t:paragraph-number(.)"/>
    <xsl:variable name="pattern" as="element(t:rich)?"
      select="if ($style = 'chicago-note' and exists($paragraph) and not(matches($number, $t:citation-markers)))
              then t:paragraph-citation-pattern($meta-root) else ()"/>
    <xsl:choose>
      <xsl:when test="exists($pattern)">
        <xsl:apply-templates select="$pattern" mode="t:fill-paragraph">
          <xsl:with-param name="para" as="xs:string" select="'para. ' || $number" tunnel="yes"/>
          <xsl:with-param name="id" as="xs:string" select="t:paragraph-id($paragraph)" tunnel="yes"/>
        </xsl:apply-templates>
      </xsl:when>
      <xsl:otherwise>
        <xsl:sequence select="t:styled-citation(t:meta($meta-root), $style,
          $paragraph ! ('para. ' || $number), $paragraph ! t:paragraph-id(.))"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:function>

  <!-- Two characters that no name and no paragraph number holds (Unicode
       noncharacters, outside XML's name characters), which stand for a
       paragraph's "para. N" and its id in t:paragraph-citation-pattern; a
       paragraph number with either, or with a closing quotation mark (which
       t:punctuate moves a comma across), is cited the long way. -->
  <xsl:variable name="t:para-marker" as="xs:string" select="'&#xFDD0;'"/>
  <xsl:variable name="t:id-marker" as="xs:string" select="'&#xFDD1;'"/>
  <xsl:variable name="t:citation-markers" as="xs:string" select="'[&#xFDD0;&#xFDD1;”]'"/>

  <!-- The Chicago note of one paragraph of a document is the document's note
       with the paragraph's number and link: made once per document with the
       markers in their place (cache="yes"), then copied with the paragraph's
       (mode t:fill-paragraph), instead of composing the whole citation again
       for each paragraph (its ¶ link's title, the page's and the citation
       files' passage citations ask for it: 2.4 ms of a 33 ms transformation,
       bench/README.md). The same text as t:styled-citation with the paragraph's
       values: t:punctuate sees the same characters on both sides of each
       marker. Empty if the document's own metadata holds a marker. -->
  <xsl:function name="t:paragraph-citation-pattern" as="element(t:rich)?" cache="yes">
    <xsl:param name="meta-root" as="node()"/>
    <xsl:variable name="m" as="map(xs:string, item()*)" select="t:meta($meta-root)"/>
    <xsl:variable name="pattern" as="element(t:rich)"
      select="t:styled-citation($m, 'chicago-note', $t:para-marker, $t:id-marker)"/>
    <xsl:variable name="text" as="xs:string" select="string($pattern)"/>
    <xsl:sequence select="$pattern[string-length($text) - string-length(translate($text, $t:para-marker, '')) = 1
      and string-length($text) - string-length(translate($text, $t:id-marker, '')) = 1]"/>
  </xsl:function>

  <xsl:template match="element()" mode="t:fill-paragraph" as="element()">
    <xsl:copy>
      <xsl:copy-of select="@*"/>
      <xsl:apply-templates mode="t:fill-paragraph"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="text()" mode="t:fill-paragraph" as="text()">
    <xsl:param name="para" as="xs:string" tunnel="yes"/>
    <xsl:param name="id" as="xs:string" tunnel="yes"/>
    <xsl:value-of select="replace(replace(., $t:para-marker, $para, 'q'), $t:id-marker, $id, 'q')"/>
  </xsl:template>

  <!-- A citation in one style of a document ($m, t:meta), or of one paragraph
       ($para "para. N", $id its id) when they are given. -->
  <xsl:function name="t:styled-citation" as="element(t:rich)">
    <xsl:param name="m" as="map(xs:string, item()*)"/>
    <xsl:param name="style" as="xs:string"/>
    <xsl:param name="para" as="xs:string?"/>
    <xsl:param name="id" as="xs:string?"/>
    <xsl:variable name="url" as="xs:string" select="if (exists($id)) then $m?url || '#' || $id else $m?url"/>
    <xsl:variable name="raw" as="element(t:rich)">
      <t:rich style="{$style}">
      <xsl:choose>
        <xsl:when test="$style = 'chicago-note'">
          <xsl:sequence select="t:chicago-note($m, $para, $url)"/>
        </xsl:when>
        <xsl:when test="$style = 'chicago-bibliography'">
          <xsl:sequence select="t:chicago-bibliography($m, $url)"/>
        </xsl:when>
        <xsl:when test="$style = 'mla'">
          <xsl:sequence select="t:mla($m, $url)"/>
        </xsl:when>
        <xsl:when test="$style = 'apa'">
          <xsl:sequence select="t:apa($m, $url)"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:message terminate="yes" error-code="t:unknown-style">unknown citation style <xsl:value-of select="$style"/></xsl:message>
        </xsl:otherwise>
      </xsl:choose>
      </t:rich>
    </xsl:variable>
    <xsl:apply-templates select="$raw" mode="t:punctuate"/>
  </xsl:function>

  <!-- American punctuation: a comma or full stop after a closing quotation
       mark moves inside it ("Title," not "Title",). -->
  <xsl:template match="element()" mode="t:punctuate" as="element()">
    <xsl:copy>
      <xsl:copy-of select="@*"/>
      <xsl:apply-templates mode="t:punctuate"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="text()" mode="t:punctuate" as="text()">
    <xsl:value-of select="if (contains(., '”')) then replace(., '”([,.])', '$1”') else string(.)"/>
  </xsl:template>

  <!-- Chicago 17, note: Telegram 2477 from the X to the Y, New York, December
       23, 1962, 2 p.m., in *Series*, vol. 11, *Volume Title*, ed. A, B, and C
       (Washington: Publisher, 1996), doc. 256 (source: archival file),
       accessed January 15, 2025, URL. -->
  <xsl:function name="t:chicago-note" as="node()*">
    <xsl:param name="m" as="map(xs:string, item()*)"/>
    <xsl:param name="para" as="xs:string?"/>
    <xsl:param name="url" as="xs:string"/>
    <xsl:value-of select="string-join((t:cite-what($m), t:cite-dateline($m)), ', ')"/>
    <xsl:choose>
      <xsl:when test="exists($m?series)">
        <xsl:text>, in </xsl:text>
        <t:i><xsl:value-of select="$m?series"/></t:i>
        <xsl:value-of select="$m?volume ! (', vol. ' || .)"/>
        <xsl:if test="exists($m?volume-title)">
          <xsl:text>, </xsl:text>
          <t:i><xsl:value-of select="$m?volume-title"/></t:i>
        </xsl:if>
        <xsl:value-of select="t:editor-names($m) ! (', ed. ' || .)"/>
        <xsl:variable name="imprint" as="xs:string?"
          select="string-join((string-join(($m?pub-place, $m?publisher), ': ')[.], $m?pub-year), ', ')[.]"/>
        <xsl:value-of select="$imprint ! (' (' || . || ')')"/>
        <xsl:value-of select="$m?document ! (', doc. ' || .)"/>
      </xsl:when>
      <xsl:when test="exists($m?edition)">
        <xsl:value-of select="', ' || $m?edition"/>
      </xsl:when>
    </xsl:choose>
    <xsl:value-of select="$para ! (', ' || .)"/>
    <xsl:value-of select="$m?archival ! (' (source: ' || . || ')')"/>
    <xsl:value-of select="', accessed ' || t:date-words($m?accessed) || ', '"/>
    <t:url><xsl:value-of select="$url"/></t:url>
    <xsl:text>.</xsl:text>
  </xsl:function>

  <!-- Chicago 17, bibliography: Sender. Telegram 2477 to the Y, New York,
       December 23, 1962, 2 p.m. In *Series*, vol. 11, *Volume Title*, edited
       by A, B, and C, doc. 256. Washington: Publisher, 1996. Source: archival
       file. Accessed January 15, 2025. URL. -->
  <xsl:function name="t:chicago-bibliography" as="node()*">
    <xsl:param name="m" as="map(xs:string, item()*)"/>
    <xsl:param name="url" as="xs:string"/>
    <xsl:value-of select="$m?sender ! (t:strip-the(.) || '. ')"/>
    <xsl:variable name="what" as="xs:string"
      select="if (exists($m?telegram) and exists($m?sender) and exists($m?addressee))
              then 'Telegram ' || $m?telegram || ' to the ' || t:strip-the($m?addressee)
              else '“' || $m?title"/>
    <xsl:variable name="head" as="xs:string" select="string-join(($what, t:cite-dateline($m)), ', ')"/>
    <xsl:value-of select="if (starts-with($what, '“')) then t:end-with-period($head) || '” ' else t:end-with-period($head) || ' '"/>
    <xsl:choose>
      <xsl:when test="exists($m?series)">
        <xsl:text>In </xsl:text>
        <t:i><xsl:value-of select="$m?series"/></t:i>
        <xsl:value-of select="$m?volume ! (', vol. ' || .)"/>
        <xsl:if test="exists($m?volume-title)">
          <xsl:text>, </xsl:text>
          <t:i><xsl:value-of select="$m?volume-title"/></t:i>
        </xsl:if>
        <xsl:value-of select="t:editor-names($m) ! (', edited by ' || .)"/>
        <xsl:value-of select="$m?document ! (', doc. ' || .)"/>
        <xsl:text>. </xsl:text>
        <xsl:variable name="imprint" as="xs:string?"
          select="string-join((string-join(($m?pub-place, $m?publisher), ': ')[.], $m?pub-year), ', ')[.]"/>
        <xsl:value-of select="$imprint ! (. || '. ')"/>
      </xsl:when>
      <xsl:when test="exists($m?edition)">
        <xsl:value-of select="$m?edition || '. '"/>
      </xsl:when>
    </xsl:choose>
    <xsl:value-of select="$m?archival ! ('Source: ' || . || '. ')"/>
    <xsl:value-of select="'Accessed ' || t:date-words($m?accessed) || '. '"/>
    <t:url><xsl:value-of select="$url"/></t:url>
    <xsl:text>.</xsl:text>
  </xsl:function>

  <!-- MLA 9: Sender. “Title.” 23 Dec. 1962. *Series*, vol. 11, *Volume
       Title*, edited by A et al., Publisher, 1996, doc. 256. *Edition*, URL.
       Accessed 15 Jan. 2025. -->
  <xsl:function name="t:mla" as="node()*">
    <xsl:param name="m" as="map(xs:string, item()*)"/>
    <xsl:param name="url" as="xs:string"/>
    <xsl:value-of select="$m?sender ! (t:strip-the(.) || '. ')"/>
    <xsl:value-of select="'“' || t:end-with-period($m?title) || '” '"/>
    <xsl:variable name="day" as="xs:date?" select="t:as-date($m?when)"/>
    <xsl:value-of select="$day ! (t:mla-date(.) || '. ')"/>
    <xsl:if test="exists($m?series)">
      <t:i><xsl:value-of select="$m?series"/></t:i>
      <xsl:value-of select="$m?volume ! (', vol. ' || .)"/>
      <xsl:if test="exists($m?volume-title)">
        <xsl:text>, </xsl:text>
        <t:i><xsl:value-of select="$m?volume-title"/></t:i>
      </xsl:if>
      <xsl:variable name="editors" as="element(t:name)*" select="$m?editors"/>
      <xsl:value-of select="if (count($editors) ge 3) then ', edited by ' || $editors[1]/@full || ' et al.'
                            else t:editor-names($m) ! (', edited by ' || .)"/>
      <xsl:value-of select="string-join(($m?publisher, $m?pub-year), ', ')[.] ! (', ' || .)"/>
      <xsl:value-of select="$m?document ! (', doc. ' || .)"/>
      <xsl:text>. </xsl:text>
    </xsl:if>
    <xsl:if test="exists($m?edition)">
      <t:i><xsl:value-of select="$m?edition"/></t:i>
      <xsl:text>, </xsl:text>
    </xsl:if>
    <t:url><xsl:value-of select="$url"/></t:url>
    <xsl:value-of select="'. Accessed ' || t:mla-date($m?accessed) || '.'"/>
  </xsl:function>

  <!-- APA 7: Sender. (1996). Title [Telegram 2477]. In A. B. Editor, …
       (Eds.), *Series: Vol. 11. Volume Title* (Document 256). Publisher.
       Retrieved January 15, 2025, from URL (Original work published 1962).
       A document republished in a printed volume is dated by the volume, with
       its own year as the original (APA 7, 9.41); without a printed source,
       by its own date. -->
  <xsl:function name="t:apa" as="node()*">
    <xsl:param name="m" as="map(xs:string, item()*)"/>
    <xsl:param name="url" as="xs:string"/>
    <xsl:variable name="day" as="xs:date?" select="t:as-date($m?when)"/>
    <xsl:variable name="parts" as="xs:integer*" select="$m?date-parts"/>
    <xsl:variable name="republished" as="xs:boolean" select="exists($m?series) and exists($m?pub-year)"/>
    <xsl:variable name="date" as="xs:string"
      select="if ($republished) then $m?pub-year
              else if (exists($day)) then format-date($day, '[Y], [MNn] [D]', 'en', (), ())
              else if (exists($parts)) then string($parts[1]) else 'n.d.'"/>
    <xsl:choose>
      <xsl:when test="exists($m?sender)">
        <xsl:value-of select="t:strip-the($m?sender) || '. (' || $date || '). '"/>
      </xsl:when>
      <xsl:otherwise>
        <!-- No author: the title moves to the author's place. -->
        <t:i><xsl:value-of select="t:end-with-period($m?title)"/></t:i>
        <xsl:value-of select="' (' || $date || '). '"/>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:choose>
      <xsl:when test="exists($m?series)">
        <xsl:if test="exists($m?sender)">
          <xsl:value-of select="$m?title"/>
          <xsl:value-of select="$m?telegram ! (' [Telegram ' || . || ']')"/>
          <xsl:text>. </xsl:text>
        </xsl:if>
        <xsl:text>In </xsl:text>
        <xsl:variable name="editors" as="xs:string?" select="t:apa-editor-names($m)"/>
        <xsl:value-of select="$editors ! (. || (if (count($m?editors) gt 1) then ' (Eds.), ' else ' (Ed.), '))"/>
        <t:i>
          <xsl:value-of select="$m?series"/>
          <xsl:value-of select="$m?volume ! (': Vol. ' || .)"/>
          <xsl:value-of select="$m?volume-title ! ('. ' || .)"/>
        </t:i>
        <xsl:value-of select="$m?document ! (' (Document ' || . || ')')"/>
        <xsl:text>. </xsl:text>
        <xsl:value-of select="$m?publisher ! (. || '. ')"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:if test="exists($m?sender)">
          <t:i><xsl:value-of select="$m?title"/></t:i>
          <xsl:text>. </xsl:text>
        </xsl:if>
        <xsl:value-of select="$m?edition ! (. || '. ')"/>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:value-of select="'Retrieved ' || t:date-words($m?accessed) || ', from '"/>
    <t:url><xsl:value-of select="$url"/></t:url>
    <xsl:if test="$republished and exists($parts)">
      <xsl:value-of select="' (Original work published ' || $parts[1] || ')'"/>
    </xsl:if>
  </xsl:function>

  <xsl:function name="t:end-with-period" as="xs:string">
    <xsl:param name="text" as="xs:string"/>
    <xsl:sequence select="if (matches($text, '[.?!]$')) then $text else $text || '.'"/>
  </xsl:function>

  <!-- The calendar date of an ISO @when (full dates only). -->
  <xsl:function name="t:as-date" as="xs:date?">
    <xsl:param name="when" as="xs:string?"/>
    <xsl:variable name="parts" as="xs:integer*" select="t:date-parts($when)"/>
    <xsl:sequence select="if (count($parts) = 3) then
      xs:date(format-number($parts[1], '0000') || '-' || format-number($parts[2], '00') || '-' || format-number($parts[3], '00'))
      else ()"/>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- Rendering rich text                                                 -->
  <!-- ================================================================== -->

  <xsl:function name="t:rich-text" as="xs:string">
    <xsl:param name="rich" as="element(t:rich)"/>
    <xsl:sequence select="normalize-space(string($rich))"/>
  </xsl:function>

  <xsl:template match="t:rich" mode="t:rich-html" as="node()*">
    <xsl:apply-templates mode="t:rich-html"/>
  </xsl:template>

  <xsl:template match="t:i" mode="t:rich-html" as="element()">
    <i><xsl:apply-templates mode="t:rich-html"/></i>
  </xsl:template>

  <xsl:template match="t:url" mode="t:rich-html" as="element()">
    <a href="{.}"><xsl:value-of select="."/></a>
  </xsl:template>

  <xsl:template match="text()" mode="t:rich-html" as="text()">
    <xsl:sequence select="."/>
  </xsl:template>

  <xsl:template match="*" mode="t:rich-html" as="node()*">
    <xsl:apply-templates mode="t:rich-html"/>
  </xsl:template>

</xsl:stylesheet>
