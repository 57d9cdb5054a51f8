<?xml version="1.0" encoding="UTF-8"?>
<!--
  library.xsl: what a build of many documents adds across them (a module of
  the html format, toolkit/formats.py): the registers of persons, places and
  organisations, and the chronology.

  Two halves, so that the site-wide pages never need the documents again:
  - per document: t:library-record(TEI document) is returned with the page
    (t:html-files), one <t:record> per published page: what the chronology
    and the registers need of it (its card's facts, and every person, place
    and organisation it names with the paragraphs that name them, each under
    its register key). toolkit/library.py keeps these records (in the output
    folder's manifest) and merges them;
  - site-wide: the build passes a <t:library> manifest (the merged registers
    and every dated and undated document, made by toolkit/library.py) and gets
    back the pages: html/persons/index.html (A–Z), html/persons/KEY.html, the
    same for places/ and organisations/, html/chronology/index.html and a page
    per year.

  The register key (t:register-key) is the one rule by which entries of
  different sources are the same entry (docs/outputs.md, "Registers"): it is
  made here, once, from the record alone, so a document's page links its
  names' register pages without knowing what else is built.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:telegram2477:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all">

  <!-- The registers: kind of record => folder and heading. -->
  <xsl:variable name="t:registers" as="map(xs:string, map(xs:string, xs:string))" select="map {
    'person': map { 'folder': 'persons', 'title': 'Persons', 'one': 'person' },
    'place': map { 'folder': 'places', 'title': 'Places', 'one': 'place' },
    'org': map { 'folder': 'organisations', 'title': 'Organisations', 'one': 'organisation' } }"/>

  <!-- Suffixes of a name that are not given names ("Kennedy, John F., Jr."). -->
  <xsl:variable name="t:name-suffixes" as="xs:string+" select="('jr', 'sr', 'ii', 'iii', 'iv')"/>

  <!-- ================================================================== -->
  <!-- The register key                                                    -->
  <!-- ================================================================== -->

  <!-- Letters and digits only, lower case, accents dropped: "Khrushchëv" => "khrushchev". -->
  <xsl:function name="t:fold" as="xs:string">
    <xsl:param name="text" as="xs:string"/>
    <xsl:sequence select="replace(lower-case(replace(normalize-unicode($text, 'NFD'), '\p{M}', '')), '[^\p{L}\p{N}]', '')"/>
  </xsl:function>

  <!-- A record's key in its register, or nothing (a record of no register):
       a person: the folded surname, "-", the initials of the given names:
         <surname>Khrushchev</surname> + <forename>Nikita</forename> <forename>S.</forename>,
         "Khrushchev, Nikita S." (a FRUS list of names: surname before the
         comma) and "Nikita S. Khrushchev" (no markup: the last word; the
         first when the last is an initial, "Bolshakov Georgi N.") are all
         "khrushchev-ns"; "Kuznetsov, Vasili V." and "Kuznetsov, Vasily V." are
         "kuznetsov-vv";
       a place or organisation: its folded words joined by "-" ("new-york").
       Two records with one key are one entry of the register, unless their
       first given names, both written out, differ (toolkit/library.py). -->
  <xsl:function name="t:register-key" as="xs:string?" cache="yes">
    <xsl:param name="record" as="element()"/>
    <xsl:variable name="kind" as="xs:string" select="t:kind($record)"/>
    <xsl:choose>
      <xsl:when test="not(map:contains($t:registers, $kind))"/>
      <xsl:when test="$kind = 'person'">
        <xsl:variable name="parts" as="xs:string+" select="t:person-name-parts($record)"/>
        <xsl:variable name="surname" as="xs:string" select="t:fold($parts[1])"/>
        <xsl:sequence select="(string-join(($surname, string-join(t:given-names($parts[2]) ! substring(., 1, 1))[.]), '-'))[$surname]"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:sequence select="string-join(tokenize(normalize-space(t:record-name($record)), '[\s\-/]+') ! t:fold(.)[.], '-')[.]"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:function>

  <!-- A person's record as (surname, given names), by the rule above. -->
  <xsl:function name="t:person-name-parts" as="xs:string+">
    <xsl:param name="record" as="element()"/>
    <xsl:variable name="pers" as="element()?" select="$record/persName[1]"/>
    <xsl:variable name="name" as="xs:string" select="t:record-name($record)"/>
    <xsl:variable name="words" as="xs:string*" select="tokenize(normalize-space($name))"/>
    <xsl:sequence select="
      if ($pers/surname) then (string($pers/surname[1]), string-join($pers/forename, ' '))
      else if (contains($name, ',')) then (substring-before($name, ','), substring-after($name, ','))
      else if (string-length(t:fold(($words[last()], '')[1])) le 1)
        then (string(($words[1], $name)[1]), string-join($words[position() gt 1], ' '))
      else (string($words[last()]), string-join($words[position() lt last()], ' '))"/>
  </xsl:function>

  <!-- The given names, folded, suffixes left out: "Nikita S." => ("nikita", "s"). -->
  <xsl:function name="t:given-names" as="xs:string*">
    <xsl:param name="given" as="xs:string?"/>
    <xsl:sequence select="tokenize(string($given), '[\s.,\-]+') ! t:fold(.)[.][not(. = $t:name-suffixes)]"/>
  </xsl:function>

  <!-- Where a record's register page is, from a page $up below the HTML folder. -->
  <xsl:function name="t:register-href" as="xs:string?">
    <xsl:param name="record" as="element()"/>
    <xsl:param name="up" as="xs:string"/>
    <xsl:sequence select="t:register-key($record) ! ($up || $t:registers(t:kind($record))?folder || '/' || . || '.html')"/>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- Per document: its record                                            -->
  <!-- ================================================================== -->

  <!-- Where a name stands on its page: the numbered paragraph's ¶ id, else
       the nearest anchor the page has (t:mention: a heading, a note). -->
  <xsl:function name="t:register-place" as="map(xs:string, xs:string)">
    <xsl:param name="name" as="element()"/>
    <xsl:variable name="paragraph" as="element()?" select="$name/ancestor::p[t:is-numbered(.)][1]"/>
    <xsl:sequence select="
      if (exists($paragraph)) then map { 'id': t:paragraph-id($paragraph), 'label': '¶' || t:paragraph-number($paragraph) }
      else (t:mention($name), map { 'id': '', 'label': 'text' })[1]"/>
  </xsl:function>

  <!-- <t:record page="frus1961-63v06/d66.html" title="..." when="1962-10-27"
         printed="FRUS 1961–1963, vol. VI, doc. 66" sender="..." addressee="...">
         <t:name kind="person" key="khrushchev-ns" name="Khrushchev, Nikita S."
           given="nikita" dates="1894–1971" role="..." source="frus1961-63v06#p_KNS2">
           <t:at id="p3" label="¶3"/> ...
         </t:name> ...
       </t:record>
       The facts are the page's card's (t:index-card); every record of a
       register that the text or the header names is a t:name, with the
       places it is named (none: only in the header). Only what
       toolkit/library.py reads is written: each page's records are kept in
       its cache record and read again by every build. -->
  <xsl:function name="t:library-record" as="element(t:record)">
    <xsl:param name="root" as="document-node()"/>
    <xsl:param name="card" as="element(t:card)"/>
    <xsl:variable name="header-names" as="element()*"
      select="t:header($root)/profileDesc/correspDesc/correspAction/*[local-name() = $t:name-elements][@ref]"/>
    <xsl:variable name="named" as="element()*" select="t:named($root)"/>
    <xsl:variable name="collection" as="xs:string" select="(t:collection($root), 'edition')[1]"/>
    <t:record>
      <xsl:copy-of select="$card/(@page, @title, @when, @printed, @sender, @addressee, @place)"/>
      <xsl:for-each-group select="$header-names, $named" group-by="string((t:record(.) ! t:register-key(.), '')[1])">
        <xsl:variable name="record" as="element()?" select="t:record(current-group()[1])"/>
        <xsl:if test="current-grouping-key() and exists($record)">
          <xsl:variable name="kind" as="xs:string" select="t:kind($record)"/>
          <t:name kind="{$kind}" key="{current-grouping-key()}"
            name="{if ($kind = 'person') then t:filing-name($record) else t:record-name($record)}"
            source="{string-join(($collection, $record/@xml:id), '#')}">
            <xsl:if test="$kind = 'person'">
              <!-- the first given name as written: toolkit/library.py keeps apart the persons of one key
                   whose given names differ (Theodore and Thomas C. Sorensen) -->
              <xsl:attribute name="given" select="t:first-given($record)"/>
            </xsl:if>
            <xsl:for-each select="t:record-dates($record)">
              <xsl:attribute name="dates" select="."/>
            </xsl:for-each>
            <xsl:for-each select="(t:record-role($record), t:record-note($record))[1]">
              <xsl:attribute name="role" select="."/>
            </xsl:for-each>
            <!-- the group's names in the text: "except" the few header names, not "[. intersect $named]",
                 which compares each name with every name of the text (quadratic: bench/large.py) -->
            <xsl:for-each-group select="(current-group() except $header-names) ! t:register-place(.)" group-by="?id">
              <t:at id="{current-grouping-key()}" label="{current-group()[1]?label}"/>
            </xsl:for-each-group>
          </t:name>
        </xsl:if>
      </xsl:for-each-group>
    </t:record>
  </xsl:function>

  <!-- A person's first given name, folded ("nikita"), or "". (Not cache="yes": with it, the records of
       FRUS 1961-63 vol. VI cost no fewer instructions under cachegrind.) -->
  <xsl:function name="t:first-given" as="xs:string">
    <xsl:param name="record" as="element()"/>
    <xsl:sequence select="(t:given-names(t:person-name-parts($record)[2]), '')[1]"/>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- Site-wide: the pages of a <t:library>                               -->
  <!-- ================================================================== -->

  <xsl:template match="document-node(element(t:library))" priority="2" as="xs:string*">
    <xsl:variable name="files" as="element(t:file)*"><xsl:apply-templates select="t:library/*" mode="t:library"/></xsl:variable>
    <xsl:sequence select="t:envelope($files)"/>
  </xsl:template>

  <xsl:template match="*" mode="t:library" as="element()*"/>

  <!-- One register: its A–Z index and a page per entry. -->
  <xsl:template match="t:register" mode="t:library" as="element(t:file)+">
    <xsl:variable name="about" as="map(xs:string, xs:string)" select="$t:registers(string(@kind))"/>
    <xsl:sequence select="t:file('html', $about?folder || '/index.html', t:serialize-html(t:register-index(., $about)))"/>
    <xsl:for-each-group select="t:entry" group-by="string(@key)">
      <xsl:sequence select="t:file('html', $about?folder || '/' || current-grouping-key() || '.html',
        t:serialize-html(t:register-page(current-group(), $about)))"/>
    </xsl:for-each-group>
  </xsl:template>

  <xsl:template match="t:chronology" mode="t:library" as="element(t:file)+">
    <xsl:variable name="dated" as="element(t:document)*" select="t:document[@year]"/>
    <xsl:sequence select="t:file('html', 'chronology/index.html', t:serialize-html(t:chronology-index(.)))"/>
    <xsl:for-each-group select="$dated" group-by="string(@year)">
      <xsl:sequence select="t:file('html', 'chronology/' || current-grouping-key() || '.html',
        t:serialize-html(t:chronology-year(current-grouping-key(), current-group())))"/>
    </xsl:for-each-group>
  </xsl:template>

  <!-- The frame of every site-wide page: one folder below the HTML folder. -->
  <xsl:function name="t:library-page" as="element()">
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="current" as="xs:string"/>
    <xsl:param name="content" as="element()*"/>
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <link rel="icon" href="data:,"/>
        <title><xsl:value-of select="$title"/></title>
        <link rel="stylesheet" href="../edition.css"/>
      </head>
      <body class="index-page library-page">
        <a class="skip-link" href="#main">Skip to the content</a>
        <header class="site-header">
          <nav aria-label="Library">
            <ul>
              <li><a href="../index.html">All documents</a></li>
              <xsl:for-each select="('persons', 'places', 'organisations', 'chronology')">
                <li>
                  <a href="../{.}/index.html">
                    <xsl:if test=". = $current">
                      <xsl:attribute name="aria-current" select="'page'"/>
                    </xsl:if>
                    <xsl:value-of select="upper-case(substring(., 1, 1)) || substring(., 2)"/>
                  </a>
                </li>
              </xsl:for-each>
            </ul>
            <xsl:sequence select="t:search-form('../')"/>
          </nav>
        </header>
        <main id="main">
          <xsl:sequence select="$content"/>
        </main>
      </body>
    </html>
  </xsl:function>

  <!-- A date as the chronology and the registers show it. -->
  <xsl:function name="t:library-date" as="element()?">
    <xsl:param name="when" as="xs:string?"/>
    <xsl:sequence select="$when ! t:library-time(.)"/>
  </xsl:function>

  <!-- cache="yes": the site-wide pages show one date for every mention of every document of that day
       (3,600 lines for 339 dates in bench/README.md's library), and formatting it each time (format-date) cost a fifth of their 0.33 CPU s. -->
  <xsl:function name="t:library-time" as="element()?" cache="yes">
    <xsl:param name="when" as="xs:string"/>
    <xsl:if test="exists(t:date-parts($when))">
      <time datetime="{(t:html-datetime($when), $when)[1]}"><xsl:value-of select="t:format-when($when, false())"/></time>
    </xsl:if>
  </xsl:function>

  <!-- A document as a line: date, title (linked), printed source, from and to. -->
  <xsl:function name="t:library-document" as="node()*">
    <xsl:param name="document" as="element()"/>
    <xsl:for-each select="$document">
      <xsl:for-each select="t:library-date(@when)">
        <xsl:sequence select="."/>
        <xsl:text>: </xsl:text>
      </xsl:for-each>
      <a href="../{@page}"><xsl:value-of select="@title"/></a>
      <xsl:for-each select="@printed">
        <xsl:text> </xsl:text>
        <span class="printed">(<xsl:value-of select="."/>)</span>
      </xsl:for-each>
      <xsl:if test="@sender or @addressee">
        <xsl:text>. </xsl:text>
        <span class="correspondents">
          <xsl:value-of select="string-join((@sender ! ('From ' || .), @addressee ! ('to ' || .)), ' ')"/>
        </span>
      </xsl:if>
    </xsl:for-each>
  </xsl:function>

  <xsl:function name="t:register-index" as="element()">
    <xsl:param name="register" as="element(t:register)"/>
    <xsl:param name="about" as="map(xs:string, xs:string)"/>
    <xsl:variable name="letters" as="xs:string*" select="distinct-values($register/t:entry/@letter ! string(.))"/>
    <xsl:variable name="count" as="xs:integer" select="count($register/t:entry)"/>
    <!-- the keys that hold more than one person (their entries after the first: toolkit/library.py),
         found once, not by comparing each entry with every other -->
    <xsl:variable name="shared-keys" as="map(xs:string, xs:boolean)"
      select="map:merge($register/t:entry[@part != '1'] ! map { string(@key): true() }, map { 'duplicates': 'use-first' })"/>
    <xsl:variable name="content" as="element()*">
      <h1><xsl:value-of select="$about?title"/></h1>
      <p class="register-intro">
        <xsl:value-of select="$count || ' ' || $about?one || (if ($count = 1) then '' else 's')"/>
        <xsl:text> named in the documents of this site, each with every document that names them, in
          date order. The same </xsl:text>
        <xsl:value-of select="$about?one"/>
        <xsl:text> in several sources is one entry (the build prints where its report of the merges is).</xsl:text>
      </p>
      <xsl:choose>
        <xsl:when test="exists($letters)">
          <nav class="letters" aria-label="Initial letters">
            <ul>
              <xsl:for-each select="$letters">
                <li><a href="#letter-{.}"><xsl:value-of select="."/></a></li>
              </xsl:for-each>
            </ul>
          </nav>
        </xsl:when>
        <xsl:otherwise>
          <p>No document of this site names one.</p>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:for-each select="$letters">
        <xsl:variable name="letter" as="xs:string" select="."/>
        <section aria-labelledby="letter-{$letter}">
          <h2 id="letter-{$letter}"><xsl:value-of select="$letter"/></h2>
          <ul class="register-entries">
            <xsl:for-each select="$register/t:entry[@letter = $letter]">
              <li>
                <a href="{@key}.html{if (map:contains($shared-keys, string(@key))) then '#person-' || @part else ''}"><xsl:value-of select="@name"/></a>
                <xsl:for-each select="@dates">
                  <xsl:value-of select="' (' || . || ')'"/>
                </xsl:for-each>
                <xsl:value-of select="', ' || count(t:mention) || ' document' || (if (count(t:mention) = 1) then '' else 's')"/>
              </li>
            </xsl:for-each>
          </ul>
        </section>
      </xsl:for-each>
    </xsl:variable>
    <xsl:sequence select="t:library-page($about?title, $about?folder, $content)"/>
  </xsl:function>

  <!-- The page of one key: its entry, or (a key that holds several persons,
       told apart by their given names) each in a section of its own. -->
  <xsl:function name="t:register-page" as="element()">
    <xsl:param name="entries" as="element(t:entry)+"/>
    <xsl:param name="about" as="map(xs:string, xs:string)"/>
    <xsl:variable name="several" as="xs:boolean" select="count($entries) gt 1"/>
    <xsl:variable name="title" as="xs:string" select="string-join($entries/@name, ' / ')"/>
    <xsl:variable name="content" as="element()*">
      <h1><xsl:value-of select="$title"/></h1>
      <xsl:choose>
        <xsl:when test="$several">
          <p class="register-intro">
            <xsl:value-of select="count($entries)"/>
            <xsl:text> persons whose names are filed alike and whose given names differ: kept apart.</xsl:text>
          </p>
          <xsl:for-each select="$entries">
            <section aria-labelledby="person-{@part}">
              <h2 id="person-{@part}"><xsl:value-of select="@name"/></h2>
              <xsl:sequence select="t:register-entry(., 3)"/>
            </section>
          </xsl:for-each>
        </xsl:when>
        <xsl:otherwise>
          <xsl:sequence select="t:register-entry($entries, 2)"/>
        </xsl:otherwise>
      </xsl:choose>
      <p><a href="index.html">All <xsl:value-of select="lower-case($about?title)"/></a></p>
    </xsl:variable>
    <xsl:sequence select="t:library-page($title || ' (' || $about?title || ')', $about?folder, $content)"/>
  </xsl:function>

  <!-- One entry: life dates and roles, the forms of its name in the sources,
       and every document that names it, under a heading of $level. -->
  <xsl:function name="t:register-entry" as="element()*">
    <xsl:param name="entry" as="element(t:entry)"/>
    <xsl:param name="level" as="xs:integer"/>
    <xsl:variable name="count" as="xs:integer" select="count($entry/t:mention)"/>
    <xsl:if test="$entry/@dates or $entry/t:role">
      <p class="register-facts">
        <xsl:for-each select="$entry/@dates">
          <span class="dates"><xsl:value-of select="."/></span>
          <xsl:text>. </xsl:text>
        </xsl:for-each>
        <xsl:for-each select="$entry/t:role">
          <span class="role"><xsl:value-of select="t:end-with-period(string(.))"/></span>
          <xsl:text> </xsl:text>
        </xsl:for-each>
      </p>
    </xsl:if>
    <xsl:if test="count($entry/t:variant) gt 1 or contains($entry/t:variant[1]/@sources, ',')">
      <p class="register-variants">
        <xsl:text>In the sources: </xsl:text>
        <xsl:for-each select="$entry/t:variant">
          <xsl:if test="position() gt 1">; </xsl:if>
          <xsl:value-of select="@name || ' (' || @sources || ')'"/>
        </xsl:for-each>
        <xsl:text>.</xsl:text>
      </p>
    </xsl:if>
    <xsl:element name="h{$level}">
      <xsl:text>Named in </xsl:text>
      <xsl:value-of select="$count"/>
      <xsl:text> document</xsl:text>
      <xsl:value-of select="if ($count = 1) then '' else 's'"/>
    </xsl:element>
    <ol class="register-mentions">
      <xsl:for-each select="$entry/t:mention">
        <li>
          <xsl:sequence select="t:library-document(.)"/>
          <xsl:choose>
            <xsl:when test="t:at[@id != '']">
              <xsl:text>. At </xsl:text>
              <xsl:for-each select="t:at[@id != '']">
                <xsl:if test="position() gt 1">, </xsl:if>
                <a href="../{../@page}#{@id}"><xsl:value-of select="@label"/></a>
              </xsl:for-each>
            </xsl:when>
            <xsl:when test="empty(t:at)">. In its metadata</xsl:when>
          </xsl:choose>
          <xsl:text>.</xsl:text>
        </li>
      </xsl:for-each>
    </ol>
  </xsl:function>

  <xsl:function name="t:chronology-index" as="element()">
    <xsl:param name="chronology" as="element(t:chronology)"/>
    <xsl:variable name="undated" as="element(t:document)*" select="$chronology/t:document[empty(@year)]"/>
    <xsl:variable name="content" as="element()*">
      <h1>Chronology</h1>
      <p class="register-intro">Every dated document of this site, year by year and month by month.</p>
      <ul class="chronology-years">
        <xsl:for-each-group select="$chronology/t:document[@year]" group-by="string(@year)">
          <xsl:sort select="current-grouping-key()"/>
          <li>
            <a href="{current-grouping-key()}.html"><xsl:value-of select="current-grouping-key()"/></a>
            <xsl:value-of select="': ' || count(current-group()) || ' document' || (if (count(current-group()) = 1) then '' else 's')"/>
          </li>
        </xsl:for-each-group>
      </ul>
      <section aria-labelledby="undated">
        <h2 id="undated">Undated documents</h2>
        <xsl:choose>
          <xsl:when test="exists($undated)">
            <ul class="chronology-documents">
              <xsl:for-each select="$undated">
                <li><xsl:sequence select="t:library-document(.)"/></li>
              </xsl:for-each>
            </ul>
          </xsl:when>
          <xsl:otherwise>
            <p>None: every document has a date.</p>
          </xsl:otherwise>
        </xsl:choose>
      </section>
    </xsl:variable>
    <xsl:sequence select="t:library-page('Chronology', 'chronology', $content)"/>
  </xsl:function>

  <xsl:function name="t:chronology-year" as="element()">
    <xsl:param name="year" as="xs:string"/>
    <xsl:param name="documents" as="element(t:document)+"/>
    <xsl:variable name="content" as="element()*">
      <h1>Chronology: <xsl:value-of select="$year"/></h1>
      <xsl:for-each-group select="$documents" group-by="string(@month)">
        <section aria-labelledby="m{$year}-{current-grouping-key()}">
          <h2 id="m{$year}-{current-grouping-key()}">
            <xsl:value-of select="if (current-grouping-key() = '00') then 'Month not known'
              else format-date(xs:date($year || '-' || current-grouping-key() || '-01'), '[MNn] [Y]', 'en', (), ())"/>
          </h2>
          <ol class="chronology-documents">
            <xsl:for-each select="current-group()">
              <li><xsl:sequence select="t:library-document(.)"/></li>
            </xsl:for-each>
          </ol>
        </section>
      </xsl:for-each-group>
      <p><a href="index.html">All years</a></p>
    </xsl:variable>
    <xsl:sequence select="t:library-page('Chronology: ' || $year, 'chronology', $content)"/>
  </xsl:function>

</xsl:stylesheet>
