<?xml version="1.0" encoding="UTF-8"?>
<!--
  common.xsl: what every output of the Telegram 2477 edition shares.

  All TEI meaning lives here: the header metadata (as t: functions), names and
  their authority records, dates, editorial choices, and the reading of the
  text (mode t:read, docs/encoding.md "The reading"; t:plain for inline
  content). The output modules (html-page.xsl with html-text.xsl,
  text-files.xsl, cite-files.xsl with citations.xsl) only decide how things
  look. The build's entry stylesheet, composed by
  toolkit/transform.py, includes edition.xsl (which includes this module) and
  the module of every output format (toolkit/formats.py), and makes them all
  in one transformation.

  Conventions: every function, mode, parameter and variable of ours is in the
  namespace urn:telegram2477:xslt (prefix t:); every template, function,
  parameter and variable declares its type with as=; each mode has a catch-all
  template so that TEI elements the stylesheets were not written for degrade to
  their text instead of failing.

  Every output function returns its files as elements,
    <t:file format="html" name="NAME">finished text</t:file>
  (with HTML, also the page's <t:card> for the index, see t:index-card, and
  its <t:record>s for the registers); the result of every entry stylesheet is
  those elements flattened into an envelope of strings (t:envelope in
  edition.xsl), which toolkit/transform.py splits into files and writes
  atomically.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:telegram2477:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all">

  <!-- t:edition-url: the address the edition is published at, ending in "/".
       Pages are <edition-url><document id>.html; citations and the HTML's
       canonical link and citation_public_url use it. Set by the edition-url
       option of `teikit build`. -->
  <xsl:param name="t:edition-url" as="xs:string" select="'https://telegram2477.github.io/edition/'"/>

  <!-- t:site-title: the site's name (the title of the edition's project
       file): the index page's heading and the link back to it on every page.
       Empty: the publisher of the documents (publicationStmt). -->
  <xsl:param name="t:site-title" as="xs:string" select="''"/>

  <!-- t:profile: the kind of document (toolkit/kinds/): "edition", "frus"
       (a FRUS volume: one page per document, see toolkit/kinds/frus/frus.xsl),
       "tei" or a kind a project adds; set by
       `teikit build` from the project file or the document's content. -->
  <xsl:param name="t:profile" as="xs:string" select="'edition'"/>

  <!-- t:access-date: the date citations give as "accessed"/"retrieved".
       Defaults to today; golden files pass a fixed date (the access-date
       option of `teikit build`). -->
  <xsl:param name="t:access-date" as="xs:date" select="current-date()"/>

  <!-- t:documents: the files the document's pointers may open, keyed by the
       file part of the pointer as written ("authority.xml"), each parsed by
       the toolkit, which lets through only what its confinement rule allows
       (regular files inside the edition's folder: docs/validation.md). No
       stylesheet opens a pointed-to file itself. -->
  <xsl:param name="t:documents" as="map(xs:string, document-node())" select="map {}"/>

  <!-- t:pointers: where each pointer attribute's value of the document leads
       (its first token), as toolkit/pointers.py resolved it: the value as
       written => ['here', '', id] (the document the pointer stands in, also
       under '#' || id), ['file', key of t:documents, id], or ['publication',
       name, id] (another publication of the kind: a FRUS volume). The
       stylesheets never parse or resolve a pointer themselves. -->
  <xsl:param name="t:pointers" as="map(xs:string, array(xs:string))" select="map {}"/>

  <!-- t:site: what the inputs built together know of each other (JSON, made
       by toolkit/site.py): {"volumes": {"frus1961-63v06": ["d1", ...]},
       "withheld": {"frus1961-63v05": {"d12": "why"}}}: the FRUS volumes of
       the build with the documents that have a page, and the documents kept
       back by their errors. Absent (a stylesheet run without the toolkit): no
       volume is local, every pointer into a volume leads to history.state.gov. -->
  <xsl:param name="t:site" as="xs:string" select="'{}'"/>
  <xsl:variable name="t:site-map" as="map(*)" select="parse-json($t:site)"/>
  <!-- volume id => its documents with a page, as a set -->
  <xsl:variable name="t:local-volumes" as="map(xs:string, map(xs:string, xs:boolean))"
    select="map:merge(map:for-each(($t:site-map?volumes, map {})[1],
      function ($volume, $documents) { map { $volume: t:name-set($documents?*) } }))"/>

  <!-- Where the Office of the Historian publishes each volume and document. -->
  <xsl:variable name="t:frus-site" as="xs:string" select="'https://history.state.gov/historicaldocuments/'"/>

  <!-- Why a document of a volume of the build was kept back, or nothing. -->
  <xsl:function name="t:withheld" as="xs:string?">
    <xsl:param name="volume" as="xs:string"/>
    <xsl:param name="document" as="xs:string"/>
    <xsl:sequence select="($t:site-map?withheld, map {})[1]?($volume)?($document)"/>
  </xsl:function>

  <!-- Where a pointer into a FRUS volume leads from a page $up below the HTML
       folder ("" or "../"), told apart by toolkit/pointers.py as
       ['publication', volume, id] ("frus1961-63v05#d183", "frus1961-63v05"):
       a volume of the build, its contents page or the document's page; any
       other volume, or a document of it without a page (kept back, or an id
       inside one), its address at history.state.gov. -->
  <xsl:function name="t:volume-link" as="xs:string">
    <xsl:param name="volume" as="xs:string"/>
    <xsl:param name="fragment" as="xs:string"/>
    <xsl:param name="up" as="xs:string"/>
    <xsl:variable name="local" as="map(xs:string, xs:boolean)?" select="$t:local-volumes($volume)"/>
    <xsl:sequence select="
      if (exists($local) and $fragment = '') then $up || $volume || '/index.html'
      else if (exists($local) and map:contains($local, $fragment)) then $up || $volume || '/' || $fragment || '.html'
      else $t:frus-site || $volume || ('/' || $fragment)[$fragment]"/>
  </xsl:function>

  <!-- The two ways of reading the text: what the source says, and the text with
       the editors' expansions and corrections applied. -->
  <xsl:variable name="t:diplomatic" as="xs:string" select="'diplomatic'"/>
  <xsl:variable name="t:reading" as="xs:string" select="'reading'"/>

  <!-- The vocabulary of the reading (blocks, containers, word breaks, the
       editors' and the source's forms, what stands apart, what is not text):
       reading.json beside this file, the one file toolkit/vocabulary.py reads
       too; the rules are in docs/encoding.md ("The reading"), the algorithm
       is mode t:read below. -->
  <xsl:variable name="t:reading-vocabulary" static="yes" as="map(*)" select="json-doc('reading.json')"/>
  <xsl:variable name="t:source-forms" as="xs:string+" select="$t:reading-vocabulary?source?*"/>
  <xsl:variable name="t:editorial-forms" as="xs:string+" select="$t:reading-vocabulary?editorial?*"/>
  <xsl:variable name="t:block-names" as="map(xs:string, xs:boolean)"
    select="t:name-set($t:reading-vocabulary?blocks?*)"/>
  <!-- The same sets as match patterns ("p | head | ..."), made when the
       stylesheet is compiled: a template matching names is found by name,
       where a predicate would be asked of every element. -->
  <xsl:variable name="t:not-text-pattern" static="yes" as="xs:string"
    select="string-join($t:reading-vocabulary?not-text?*, ' | ')"/>
  <xsl:variable name="t:editorial-pattern" static="yes" as="xs:string"
    select="string-join($t:reading-vocabulary?editorial?*, ' | ')"/>
  <xsl:variable name="t:apart-pattern" static="yes" as="xs:string"
    select="string-join($t:reading-vocabulary?apart?*, ' | ')"/>
  <xsl:variable name="t:structural-pattern" static="yes" as="xs:string"
    select="string-join(($t:reading-vocabulary?blocks?*, $t:reading-vocabulary?containers?*), ' | ')"/>
  <xsl:variable name="t:break-pattern" static="yes" as="xs:string"
    select="string-join($t:reading-vocabulary?breaks?*, ' | ')"/>

  <!-- The elements that point to an authority record: the same set as
       toolkit/vocabulary.py (tests/test_vocabulary.py proves it). -->
  <xsl:variable name="t:name-elements" as="xs:string+" select="('persName', 'placeName', 'orgName', 'rs', 'name')"/>
  <xsl:variable name="t:name-element-set" as="map(xs:string, xs:boolean)" select="t:name-set($t:name-elements)"/>

  <!-- ================================================================== -->
  <!-- Document identity and header metadata                               -->
  <!-- ================================================================== -->

  <!-- The document's id: TEI/@xml:id, else the file name without .xml. -->
  <xsl:function name="t:doc-id" as="xs:string">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="tei" as="element()?" select="root($node)/descendant-or-self::TEI[1]"/>
    <xsl:sequence select="if (normalize-space($tei/@xml:id)) then string($tei/@xml:id)
      else replace(tokenize(string(base-uri($node)), '/')[last()], '\.xml$', '')"/>
  </xsl:function>

  <!-- The folder a document's outputs go to, within each output: the id of
       the volume or corpus it was published from (the t:collection attribute
       that collection.xsl puts on each document it cuts out), or none. -->
  <xsl:function name="t:collection" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="root($node)/descendant-or-self::TEI[1]/@t:collection ! string(.)"/>
  </xsl:function>

  <!-- The document's output files' name without extension: "frus1961-63v06/d67"
       in a volume's folder, else its id. -->
  <xsl:function name="t:doc-path" as="xs:string">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="string-join((t:collection($node), t:doc-id($node)), '/')"/>
  </xsl:function>

  <!-- The way from the document's output file up to its output's folder: "../"
       in a volume's folder, else "". -->
  <xsl:function name="t:up" as="xs:string">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="if (exists(t:collection($node))) then '../' else ''"/>
  </xsl:function>

  <xsl:function name="t:page-name" as="xs:string">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="t:doc-path($node) || '.html'"/>
  </xsl:function>

  <!-- The published address of the document's HTML page. -->
  <xsl:function name="t:page-url" as="xs:string">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="t:edition-base() || t:page-name($node)"/>
  </xsl:function>

  <!-- The address citations give: where the document itself is published
       (publicationStmt/idno[@type = 'URI'], e.g. a FRUS document's page at
       history.state.gov), else its page in this edition. -->
  <xsl:function name="t:cite-url" as="xs:string">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="published" as="xs:string?"
      select="(t:header($node)/fileDesc/publicationStmt/idno[@type = 'URI'])[1] ! normalize-space(.)"/>
    <xsl:sequence select="($published[matches(., '^https?://')], t:page-url($node))[1]"/>
  </xsl:function>

  <xsl:function name="t:edition-base" as="xs:string">
    <xsl:sequence select="if (ends-with($t:edition-url, '/')) then $t:edition-url else $t:edition-url || '/'"/>
  </xsl:function>

  <xsl:function name="t:header" as="element(teiHeader)?">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="root($node)/descendant-or-self::TEI[1]/teiHeader"/>
  </xsl:function>

  <xsl:function name="t:title" as="xs:string">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="titles" as="element(title)*" select="t:header($node)/fileDesc/titleStmt/title"/>
    <xsl:variable name="main" as="element(title)?"
      select="($titles[@type = 'main'], $titles[not(@type)], $titles)[1]"/>
    <xsl:sequence select="if ($main) then t:plain($main) else t:doc-id($node)"/>
  </xsl:function>

  <xsl:function name="t:subtitle" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="sub" as="element(title)?" select="t:header($node)/fileDesc/titleStmt/title[@type = 'sub'][1]"/>
    <xsl:sequence select="$sub ! t:plain(.)"/>
  </xsl:function>

  <xsl:function name="t:language" as="xs:string">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="tei" as="element()?" select="root($node)/descendant-or-self::TEI[1]"/>
    <xsl:sequence select="string(($tei/@xml:lang, $tei/text/@xml:lang,
      t:header($node)/profileDesc/langUsage/language/@ident, 'en')[normalize-space()][1])"/>
  </xsl:function>

  <xsl:function name="t:correspondent" as="element()?">
    <xsl:param name="node" as="node()"/>
    <xsl:param name="type" as="xs:string"/>
    <xsl:sequence select="t:header($node)/profileDesc/correspDesc/correspAction[@type = $type]
      /(orgName | persName | name | rs)[1]"/>
  </xsl:function>

  <!-- Sender and addressee: the name as the header gives it. -->
  <xsl:function name="t:sender" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="t:correspondent($node, 'sent') ! t:plain(.)"/>
  </xsl:function>

  <xsl:function name="t:addressee" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="t:correspondent($node, 'received') ! t:plain(.)"/>
  </xsl:function>

  <!-- The place the document was written or sent from. -->
  <xsl:function name="t:place" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="profile" as="element()?" select="t:header($node)/profileDesc"/>
    <xsl:sequence select="($profile/creation/placeName, $profile/correspDesc/correspAction[@type = 'sent']/placeName,
      root($node)//text//opener/dateline/placeName)[1] ! t:plain(.)"/>
  </xsl:function>

  <!-- The document's date as ISO 8601 (possibly with a time), or empty. -->
  <xsl:function name="t:when" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="profile" as="element()?" select="t:header($node)/profileDesc"/>
    <xsl:sequence select="string(($profile/creation/date/@when,
      $profile/correspDesc/correspAction[@type = 'sent']/date/@when,
      root($node)//text//dateline//date/@when,
      t:header($node)/fileDesc/publicationStmt/date/@when)[1])[.]"/>
  </xsl:function>

  <!-- Security classification and handling, e.g. "Confidential; Limit Distribution". -->
  <xsl:function name="t:classification" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="(t:header($node)/fileDesc/sourceDesc/msDesc/additional/adminInfo/availability)[1] ! t:plain(.)"/>
  </xsl:function>

  <xsl:function name="t:msdesc" as="element(msDesc)?">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="t:header($node)/fileDesc/sourceDesc/msDesc[1]"/>
  </xsl:function>

  <!-- Archival source: "Department of State, Central Files, 737.56361/12-2362". -->
  <xsl:function name="t:archival-source" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="id" as="element()?" select="t:msdesc($node)/msIdentifier"/>
    <xsl:variable name="parts" as="xs:string*"
      select="($id/repository, $id/collection, ($id/idno[@type = 'file'], $id/idno)[1]) ! t:plain(.)"/>
    <xsl:sequence select="string-join($parts[.], ', ')[.]"/>
  </xsl:function>

  <xsl:function name="t:archive" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="id" as="element()?" select="t:msdesc($node)/msIdentifier"/>
    <xsl:sequence select="($id/institution, $id/repository)[1] ! t:plain(.)"/>
  </xsl:function>

  <xsl:function name="t:edition-publisher" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="(t:header($node)/fileDesc/publicationStmt/(publisher, distributor, authority))[1] ! t:plain(.)"/>
  </xsl:function>

  <xsl:function name="t:licences" as="element()*">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="t:header($node)/fileDesc/publicationStmt/availability/(licence, p)"/>
  </xsl:function>

  <xsl:function name="t:keywords" as="xs:string*">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="distinct-values(t:header($node)/profileDesc/textClass/keywords//term ! t:plain(.))"/>
  </xsl:function>

  <!-- A summary of the document's content, if the header has one. -->
  <xsl:function name="t:summary" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="(t:msdesc($node)/msContents/summary, t:header($node)/profileDesc/abstract)[1] ! t:plain(.)"/>
  </xsl:function>

  <!-- The transcription the edition was made from (bibl[@type='transcription']). -->
  <xsl:function name="t:transcription" as="element()?">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="t:header($node)/fileDesc/sourceDesc/bibl[@type = 'transcription'][1]"/>
  </xsl:function>

  <!-- The date of the latest recorded change, as ISO 8601. -->
  <xsl:function name="t:revised" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="dates" as="xs:string*"
      select="t:header($node)/revisionDesc//change/@when ! string(.)[. castable as xs:date]"/>
    <xsl:sequence select="if (exists($dates)) then string(max($dates ! xs:date(.))) else ()"/>
  </xsl:function>

  <!-- The telegram's own number ("2477"), when the text gives one. -->
  <xsl:function name="t:telegram-number" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="(root($node)//text//idno[@type = 'telegram'])[1] ! normalize-space(.)"/>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- The printed edition the document comes from (FRUS)                  -->
  <!-- ================================================================== -->

  <xsl:function name="t:frus" as="element(biblStruct)?">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="source" as="element()?" select="t:header($node)/fileDesc/sourceDesc"/>
    <xsl:sequence select="($source/biblStruct[@type = 'frus'], $source/biblStruct)[1]"/>
  </xsl:function>

  <!-- "frus1961-63v11d256": the FRUS document id, also the citation key. -->
  <xsl:function name="t:frus-id" as="xs:string">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="id" as="element()?" select="t:frus($node)/analytic/idno[@type = 'frus'][1]"/>
    <xsl:sequence select="if ($id) then normalize-space($id) else replace(t:doc-id($node), '[^A-Za-z0-9_:-]', '')"/>
  </xsl:function>

  <xsl:function name="t:frus-uri" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="(t:frus($node)/analytic/idno[@type = 'URI'])[1] ! normalize-space(.)"/>
  </xsl:function>

  <!-- "Foreign Relations of the United States, 1961–1963" -->
  <xsl:function name="t:series-title" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="monogr" as="element()?" select="t:frus($node)/monogr"/>
    <xsl:sequence select="($monogr/title[@level = 'm'][not(@type)], $monogr/title[not(@type)], $monogr/title)[1] ! t:plain(.)"/>
  </xsl:function>

  <!-- "Cuban Missile Crisis and Aftermath" (without "Volume XI, "). -->
  <xsl:function name="t:volume-title" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="title" as="element()?" select="t:frus($node)/monogr/title[@type = 'volume'][1]"/>
    <xsl:sequence select="$title ! replace(t:plain(.), '^Vol(ume|\.)\s+[IVXLC0-9]+\s*[,:.]\s*', '')"/>
  </xsl:function>

  <xsl:function name="t:volume-number" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="scope" as="element()?" select="t:frus($node)/monogr/biblScope[@unit = 'volume'][1]"/>
    <xsl:sequence select="string(($scope/@n, $scope/@from, $scope ! normalize-space(.))[1])[.]"/>
  </xsl:function>

  <!-- The volume number as printed ("XI"), when it differs from @n. -->
  <xsl:function name="t:volume-label" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="(t:frus($node)/monogr/biblScope[@unit = 'volume'])[1] ! normalize-space(.)[.]"/>
  </xsl:function>

  <xsl:function name="t:document-number" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="scope" as="element()?" select="t:frus($node)/monogr/biblScope[@unit = 'document'][1]"/>
    <xsl:sequence select="string(($scope/@n, $scope/@from, $scope ! replace(normalize-space(.), '\D', ''))[1])[.]"/>
  </xsl:function>

  <!-- The volume's editors (not the general editor), as t:name elements. -->
  <xsl:function name="t:editors" as="element(t:name)*">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="t:frus($node)/monogr/editor[not(@role = 'general')] ! t:split-name(.)[string(@full)]"/>
  </xsl:function>

  <xsl:function name="t:general-editors" as="element(t:name)*">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="t:frus($node)/monogr/editor[@role = 'general'] ! t:split-name(.)[string(@full)]"/>
  </xsl:function>

  <xsl:function name="t:publisher" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="(t:frus($node)/monogr/imprint/publisher)[1] ! t:plain(.)"/>
  </xsl:function>

  <xsl:function name="t:pub-place" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="(t:frus($node)/monogr/imprint/pubPlace)[1] ! t:plain(.)"/>
  </xsl:function>

  <xsl:function name="t:pub-year" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="date" as="element()?" select="(t:frus($node)/monogr/imprint/date)[1]"/>
    <!-- only a year: an empty or wordy date gives none (citations read it as a number) -->
    <xsl:sequence select="($date/@when ! substring(., 1, 4), $date ! replace(normalize-space(.), '^.*?(\d{4}).*$', '$1'))
      [matches(., '^\d{4}$')][1]"/>
  </xsl:function>

  <!-- A personal name split into given and family parts:
       <t:name given="Edward C." family="Keefer" full="Edward C. Keefer"/>. -->
  <xsl:function name="t:split-name" as="element(t:name)">
    <xsl:param name="name" as="element()"/>
    <xsl:variable name="pers" as="element()" select="($name/persName, $name)[1]"/>
    <xsl:variable name="full" as="xs:string" select="t:name-string($pers)"/>
    <!-- An empty name (<editor/>) has no last word: its parts are then empty. -->
    <xsl:variable name="family" as="xs:string"
      select="if ($pers/surname) then string-join($pers/surname ! normalize-space(.), ' ')
              else string(tokenize($full, '\s+')[last()])"/>
    <xsl:variable name="given" as="xs:string"
      select="if ($pers/forename) then string-join($pers/forename ! normalize-space(.), ' ')
              else normalize-space(substring($full, 1, string-length($full) - string-length($family)))"/>
    <t:name given="{$given}" family="{$family}" full="{$full}"/>
  </xsl:function>

  <!-- The words of a name, with a space between its parts even where the
       encoding has none (<forename>A</forename><surname>B</surname>). -->
  <xsl:function name="t:name-string" as="xs:string">
    <xsl:param name="name" as="element()"/>
    <xsl:sequence select="if ($name/*) then normalize-space(string-join(
      $name/node() ! (if (. instance of element()) then t:plain(.) else string(.)), ' '))
                          else normalize-space($name)"/>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- Names and authority records                                          -->
  <!-- ================================================================== -->

  <xsl:key name="t:xml-id" match="*[@xml:id]" use="string(@xml:id)"/>

  <!-- The authority record an element's @ref points to, or nothing: where
       toolkit/pointers.py resolved it (t:pointers). Only relative references
       ("authority.xml#zorin") and same-document ones ("#zorin") lead
       anywhere: nothing is ever fetched from the network, and a missing
       authority file degrades to plain text.
       cache="yes": a name is looked up by its template, by t:in-link for the
       names inside it, and twice by the index of names. -->
  <xsl:function name="t:record" as="element()?" cache="yes">
    <xsl:param name="name" as="element()"/>
    <xsl:sequence select="t:pointer-target(string($name/@ref), $name)"/>
  </xsl:function>

  <!-- The element a pointer attribute's value ($pointer, as written on
       $context) leads to: in the document $context belongs to, or in a file
       of t:documents. -->
  <xsl:function name="t:pointer-target" as="element()?">
    <xsl:param name="pointer" as="xs:string"/>
    <xsl:param name="context" as="node()"/>
    <xsl:variable name="target" as="array(xs:string)?" select="$t:pointers($pointer)"/>
    <xsl:sequence select="
      if (empty($target)) then ()
      else if ($target?1 = 'here') then key('t:xml-id', $target?3, root($context))[1]
      else if ($target?1 = 'file') then $t:documents($target?2) ! key('t:xml-id', $target?3, .)[1]
      else ()"/>
  </xsl:function>

  <!-- The id a pointer attribute's value names in the document it stands in
       ("#p_KNS2" => "p_KNS2"), or nothing. -->
  <xsl:function name="t:local-id" as="xs:string?">
    <xsl:param name="pointer" as="xs:string"/>
    <xsl:sequence select="$t:pointers($pointer)[?1 = 'here']?3"/>
  </xsl:function>

  <!-- person, place or org: the kind of a name or record. -->
  <xsl:function name="t:kind" as="xs:string">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="
      if ($element/(self::person | self::persName | self::personGrp)) then 'person'
      else if ($element/(self::place | self::placeName | self::geogName | self::settlement | self::country)) then 'place'
      else if ($element/(self::org | self::orgName)) then 'org'
      else if ($element/self::rs and $element/@type = ('person', 'place', 'org')) then string($element/@type)
      else 'name'"/>
  </xsl:function>

  <!-- The on-page anchor of a record: "person-zorin". -->
  <xsl:function name="t:record-anchor" as="xs:string" cache="yes">
    <xsl:param name="record" as="element()"/>
    <xsl:sequence select="t:kind($record) || '-' || string($record/@xml:id)"/>
  </xsl:function>

  <!-- A record's display name: "Valerian A. Zorin", "U Thant", "New York". -->
  <xsl:function name="t:record-name" as="xs:string" cache="yes">
    <xsl:param name="record" as="element()"/>
    <xsl:variable name="name" as="element()?"
      select="($record/(persName, placeName, orgName, name)[not(@type = ('alt', 'variant'))],
               $record/(persName, placeName, orgName, name))[1]"/>
    <xsl:sequence select="if ($name) then t:name-string($name) else string($record/@xml:id)"/>
  </xsl:function>

  <!-- Sort key: the surname when there is one. -->
  <xsl:function name="t:record-sort-key" as="xs:string" cache="yes">
    <xsl:param name="record" as="element()"/>
    <xsl:variable name="pers" as="element()?" select="$record/persName[1]"/>
    <xsl:sequence select="lower-case(
      if ($pers/surname) then normalize-space($pers/surname[1]) || ' ' || t:record-name($record)
      else if ($pers/forename) then normalize-space($pers/forename[1]) || ' ' || t:record-name($record)
      else t:record-name($record))"/>
  </xsl:function>

  <!-- Life dates: "1902–1986", "born 1926", "died 1963", or empty. -->
  <xsl:function name="t:record-dates" as="xs:string?" cache="yes">
    <xsl:param name="record" as="element()"/>
    <xsl:variable name="birth" as="xs:string?" select="($record/birth/@when, $record/birth/@notBefore)[1] ! substring(., 1, 4)"/>
    <xsl:variable name="death" as="xs:string?" select="($record/death/@when, $record/death/@notBefore)[1] ! substring(., 1, 4)"/>
    <xsl:sequence select="
      if ($birth and $death) then $birth || '–' || $death
      else if ($birth) then 'born ' || $birth
      else if ($death) then 'died ' || $death
      else ()"/>
  </xsl:function>

  <!-- What a record says the person, place or body was: occupation, desc, type. -->
  <xsl:function name="t:record-role" as="xs:string?" cache="yes">
    <xsl:param name="record" as="element()"/>
    <xsl:variable name="parts" as="xs:string*"
      select="($record/occupation, $record/desc, $record/roleName, $record/affiliation) ! t:plain(.)"/>
    <xsl:sequence select="string-join($parts[.], '; ')[.]"/>
  </xsl:function>

  <xsl:function name="t:record-note" as="xs:string?" cache="yes">
    <xsl:param name="record" as="element()"/>
    <xsl:sequence select="string-join($record/note ! t:plain(.), ' ')[.]"/>
  </xsl:function>

  <!-- "40.7128 -74.0060" as a pair of numbers, or nothing. -->
  <xsl:function name="t:record-geo" as="xs:string?">
    <xsl:param name="record" as="element()"/>
    <xsl:sequence select="($record/location/geo)[1] ! normalize-space(.)[matches(., '^-?\d+(\.\d+)?[ ,]+-?\d+(\.\d+)?$')]"/>
  </xsl:function>

  <!-- Every name element of a text that has an authority record, in document order
       (cache="yes": the index of names, the search record and the registers'
       record each ask for them). -->
  <xsl:function name="t:named" as="element()*" cache="yes">
    <xsl:param name="root" as="node()"/>
    <xsl:sequence select="root($root)//text//*[map:contains($t:name-element-set, local-name())][@ref]"/>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- Dates                                                               -->
  <!-- ================================================================== -->

  <!-- An ISO 8601 @when in words: "December 23, 1962", "December 1962",
       "1962", "December 23, 1962, 2 p.m."; anything else as given. -->
  <xsl:function name="t:format-when" as="xs:string">
    <xsl:param name="when" as="xs:string"/>
    <xsl:param name="with-time" as="xs:boolean"/>
    <xsl:variable name="w" as="xs:string" select="normalize-space($when)"/>
    <xsl:choose>
      <xsl:when test="$w castable as xs:dateTime">
        <xsl:variable name="dt" as="xs:dateTime" select="xs:dateTime($w)"/>
        <xsl:sequence select="format-date(xs:date($dt), '[MNn] [D], [Y]', 'en', (), ())
          || (if ($with-time) then ', ' || t:format-time(hours-from-dateTime($dt), minutes-from-dateTime($dt)) else '')"/>
      </xsl:when>
      <xsl:when test="$w castable as xs:date">
        <xsl:sequence select="format-date(xs:date($w), '[MNn] [D], [Y]', 'en', (), ())"/>
      </xsl:when>
      <xsl:when test="$w castable as xs:gYearMonth">
        <xsl:sequence select="format-date(xs:date($w || '-01'), '[MNn] [Y]', 'en', (), ())"/>
      </xsl:when>
      <xsl:when test="$w castable as xs:gMonthDay">
        <xsl:sequence select="format-date(xs:date('2000' || substring($w, 2)), '[MNn] [D]', 'en', (), ())"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:sequence select="$w"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:function>

  <!-- 14:00 as "2 p.m.", 9:30 as "9:30 a.m.", 12:00 as "noon". -->
  <xsl:function name="t:format-time" as="xs:string">
    <xsl:param name="hours" as="xs:integer"/>
    <xsl:param name="minutes" as="xs:integer"/>
    <xsl:variable name="h12" as="xs:integer" select="if ($hours mod 12 = 0) then 12 else $hours mod 12"/>
    <xsl:variable name="mm" as="xs:string" select="if ($minutes = 0) then '' else ':' || format-number($minutes, '00')"/>
    <xsl:sequence select="
      if ($hours = 12 and $minutes = 0) then 'noon'
      else if ($hours = 0 and $minutes = 0) then 'midnight'
      else $h12 || $mm || (if ($hours lt 12) then ' a.m.' else ' p.m.')"/>
  </xsl:function>

  <!-- The date part of an ISO @when as integers (year, month?, day?), or nothing. -->
  <xsl:function name="t:date-parts" as="xs:integer*" cache="yes">
    <xsl:param name="when" as="xs:string?"/>
    <xsl:variable name="date" as="xs:string" select="replace(string($when), '^(\d{4}(-\d{2}(-\d{2})?)?).*$', '$1', 's')"/>
    <xsl:sequence select="if ($date castable as xs:date or $date castable as xs:gYearMonth
      or ($date castable as xs:gYear and string-length($date) = 4)) then tokenize($date, '-') ! xs:integer(.) else ()"/>
  </xsl:function>

  <!-- "1962/12/23" (Highwire), from an ISO @when. -->
  <xsl:function name="t:slash-date" as="xs:string?">
    <xsl:param name="when" as="xs:string?"/>
    <xsl:sequence select="string-join(t:date-parts($when) ! format-number(., '00'), '/')[.]"/>
  </xsl:function>

  <!-- "1962-12-23" from an ISO @when (the date only). -->
  <xsl:function name="t:iso-date" as="xs:string?">
    <xsl:param name="when" as="xs:string?"/>
    <xsl:sequence select="string-join(t:date-parts($when) ! format-number(., '00'), '-')[.]"/>
  </xsl:function>

  <!-- The ISO value of a TEI date element: @when, else @from/@notBefore. -->
  <xsl:function name="t:date-value" as="xs:string?">
    <xsl:param name="date" as="element()"/>
    <xsl:sequence select="string(($date/@when, $date/@from, $date/@notBefore, $date/@when-iso)[1])[.]"/>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- Notes                                                               -->
  <!-- ================================================================== -->

  <!-- Notes that are printed at the end (footnotes, endnotes): not the
       source note of the head, which is shown on its own. -->
  <xsl:function name="t:is-footnote" as="xs:boolean">
    <xsl:param name="note" as="element()"/>
    <xsl:sequence select="local-name($note) = 'note' and not($note/@type = 'source')"/>
  </xsl:function>

  <xsl:function name="t:footnotes" as="element()*">
    <xsl:param name="root" as="node()"/>
    <xsl:sequence select="root($root)//text//note[t:is-footnote(.)][not(ancestor::note)]"/>
  </xsl:function>

  <xsl:function name="t:source-notes" as="element()*">
    <xsl:param name="root" as="node()"/>
    <xsl:sequence select="root($root)//text//note[@type = 'source']"/>
  </xsl:function>

  <!-- The number shown for a footnote: @n, else its position. -->
  <xsl:function name="t:note-number" as="xs:string">
    <xsl:param name="note" as="element()"/>
    <xsl:sequence select="if ($note/@n) then string($note/@n) else string(t:footnote-position($note))"/>
  </xsl:function>

  <!-- A note's position among the document's footnotes (one more than the
       footnotes before it), from the positions counted once per document: the
       page asks it at the note's mark, its id and the notes section, and
       counting the footnotes before each note made a document of many
       notes without @n quadratic (bench/README.md, "Large documents, round four"). -->
  <xsl:function name="t:footnote-position" as="xs:integer">
    <xsl:param name="note" as="element()"/>
    <xsl:sequence select="(t:footnote-positions(root($note))(generate-id($note)),
      count(t:footnotes($note)[. &lt;&lt; $note]) + 1)[1]"/>
  </xsl:function>

  <xsl:function name="t:footnote-positions" as="map(xs:string, xs:integer)" cache="yes">
    <xsl:param name="root" as="node()"/>
    <xsl:sequence select="map:merge(t:footnotes($root) ! map { generate-id(.): position() })"/>
  </xsl:function>

  <!-- The paragraphs that get numbers and anchors: the running text's own p. -->
  <xsl:function name="t:is-numbered" as="xs:boolean">
    <xsl:param name="p" as="element()"/>
    <xsl:sequence select="exists($p/self::p) and exists($p/ancestor::text)
      and empty($p/ancestor::*[self::note or self::floatingText or self::quote or self::sp or self::list or self::figure
        or self::table])"/>
  </xsl:function>

  <xsl:function name="t:paragraph-number" as="xs:string">
    <xsl:param name="p" as="element()"/>
    <xsl:sequence select="if ($p/@n) then string($p/@n)
      else string((t:paragraph-positions(root($p))(generate-id($p)),
        count(root($p)//text//p[t:is-numbered(.)][. &lt;&lt; $p]) + 1)[1])"/>
  </xsl:function>

  <!-- The position of each numbered paragraph of a document (generate-id =>
       1, 2, ...), counted once per document (cache="yes"): the page asks for a
       paragraph's number at the paragraph, its pilcrow, each name in it (the
       index of names, the registers' record) and its passage citation, and
       counting the paragraphs before it each time made every page quadratic. -->
  <xsl:function name="t:paragraph-positions" as="map(xs:string, xs:integer)" cache="yes">
    <xsl:param name="root" as="node()"/>
    <xsl:sequence select="map:merge($root//text//p[t:is-numbered(.)] ! map { generate-id(.): position() })"/>
  </xsl:function>

  <xsl:function name="t:paragraph-id" as="xs:string">
    <xsl:param name="p" as="element()"/>
    <xsl:sequence select="if ($p/@xml:id) then string($p/@xml:id) else 'p' || t:paragraph-number($p)"/>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- The reading (mode t:read): the text as the source has it (view      -->
  <!-- diplomatic) or with the editors' words (view reading)               -->
  <!-- ================================================================== -->

  <!-- The rules are docs/encoding.md's ("The reading"); toolkit/diplomatic.py
       follows the same ones in Python, and tests/test_reading.py runs one table
       of cases against both. Mode t:flow turns nodes into a flow of items:
       strings of text (whitespace made spaces), a CR for a word boundary, a
       tab for a break inside a word (it takes the boundary before it and the
       whitespace after it away), a newline at each edge of a block, and each note read, as itself
       (its blocks are read apart: t:note-blocks). Tunnel parameters: t:view,
       and t:at-block (false while between blocks, where only elements count). -->

  <!-- The plain text of an element's content in a view (default: reading),
       on one line: blocks inside it become spaces, notes leave their marker. -->
  <xsl:function name="t:plain" as="xs:string">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="t:plain($node, $t:reading)"/>
  </xsl:function>

  <xsl:function name="t:plain" as="xs:string">
    <xsl:param name="node" as="node()"/>
    <xsl:param name="view" as="xs:string"/>
    <xsl:choose>
      <!-- Text alone (most names, abbreviations, expansions): mode t:read makes its characters of
           each text node and whitespace of the rest, so the reading is its string value, without
           a template for each node (the page asks this of every choice and record). -->
      <xsl:when test="$node instance of element() and empty($node/*)">
        <xsl:sequence select="normalize-space($node)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="flow" as="item()*">
          <xsl:apply-templates select="$node/node()" mode="t:read">
            <xsl:with-param name="t:view" as="xs:string" select="$view" tunnel="yes"/>
            <xsl:with-param name="t:at-block" as="xs:boolean" select="true()" tunnel="yes"/>
          </xsl:apply-templates>
        </xsl:variable>
        <xsl:sequence select="normalize-space(t:joined($flow))"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:function>

  <!-- The blocks of a note, read apart from the text it stands in. -->
  <xsl:function name="t:note-blocks" as="xs:string*">
    <xsl:param name="note" as="element()"/>
    <xsl:param name="view" as="xs:string"/>
    <xsl:sequence select="t:blocks-of(t:read($note/node(), $view, true()))"/>
  </xsl:function>

  <!-- The notes read in a flow, in document order: each followed by the
       notes read inside it. -->
  <xsl:function name="t:with-inner-notes" as="element()*">
    <xsl:param name="notes" as="element()*"/>
    <xsl:param name="view" as="xs:string"/>
    <xsl:sequence select="$notes ! (., t:with-inner-notes(t:read(node(), $view, true())[. instance of element()], $view))"/>
  </xsl:function>

  <xsl:function name="t:read" as="item()*">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:param name="view" as="xs:string"/>
    <xsl:param name="at-block" as="xs:boolean"/>
    <xsl:apply-templates select="$nodes" mode="t:read">
      <xsl:with-param name="t:view" as="xs:string" select="$view" tunnel="yes"/>
      <xsl:with-param name="t:at-block" as="xs:boolean" select="$at-block" tunnel="yes"/>
    </xsl:apply-templates>
  </xsl:function>

  <!-- The text of a flow, breaks inside words applied, word boundaries made spaces. -->
  <xsl:function name="t:joined" as="xs:string">
    <xsl:param name="flow" as="item()*"/>
    <xsl:variable name="text" as="xs:string" select="string-join($flow[. instance of xs:string], '')"/>
    <!-- (replace() only where a break joins: Saxon tries the pattern at every character) -->
    <xsl:sequence select="translate(if (contains($text, '&#9;')) then replace($text, '[ &#13;]*&#9;[ &#9;]*', '')
      else $text, '&#13;', ' ')"/>
  </xsl:function>

  <xsl:function name="t:blocks-of" as="xs:string*">
    <xsl:param name="flow" as="item()*"/>
    <xsl:sequence select="tokenize(t:joined($flow), '&#10;') ! normalize-space(.)[.]"/>
  </xsl:function>

  <xsl:template match="text()" mode="t:read" as="xs:string">
    <xsl:sequence select="translate(., '&#9;&#10;&#13;', '   ')"/>
  </xsl:template>

  <xsl:template match="comment() | processing-instruction()" mode="t:read" as="empty-sequence()"/>

  <!-- Not text: elements of another namespace (frus:file, frus:pdf: the
       encoders' data about scans and files), descriptions and records. -->
  <xsl:template _match="*[namespace-uri() ne 'http://www.tei-c.org/ns/1.0'] | {$t:not-text-pattern}"
    mode="t:read" priority="3" as="empty-sequence()"/>

  <!-- The editors' words: not in the diplomatic view; in the reading view,
       read as any other element. -->
  <xsl:template _match="{$t:editorial-pattern}" mode="t:read" priority="2" as="item()*">
    <xsl:param name="t:view" as="xs:string" tunnel="yes" select="$t:reading"/>
    <xsl:if test="$t:view = $t:reading">
      <xsl:next-match/>
    </xsl:if>
  </xsl:template>

  <!-- A note stands apart: in the text a footnote leaves its marker; the note
       itself goes with the flow, to be read apart (t:note-blocks). -->
  <xsl:template _match="{$t:apart-pattern}" mode="t:read" priority="2" as="item()*">
    <xsl:param name="t:at-block" as="xs:boolean" tunnel="yes" select="true()"/>
    <xsl:sequence select="(if ($t:at-block and t:is-footnote(.)) then '(' || t:note-number(.) || ')' else ()), ."/>
  </xsl:template>

  <!-- A block or a container: it ends the block it stands in. -->
  <xsl:template _match="{$t:structural-pattern}" mode="t:read" priority="1" as="item()*">
    <xsl:call-template name="t:read-block"/>
  </xsl:template>

  <!-- A word boundary, unless break="no". -->
  <xsl:template _match="{$t:break-pattern}" mode="t:read" priority="1" as="xs:string?">
    <xsl:param name="t:at-block" as="xs:boolean" tunnel="yes" select="true()"/>
    <xsl:if test="$t:at-block">
      <xsl:sequence select="if (@break = 'no') then '&#9;' else '&#13;'"/>
    </xsl:if>
  </xsl:template>

  <!-- A choice inside a block: the one alternative the view takes. -->
  <xsl:template match="choice" mode="t:read" as="item()*">
    <xsl:param name="t:view" as="xs:string" tunnel="yes" select="$t:reading"/>
    <xsl:param name="t:at-block" as="xs:boolean" tunnel="yes" select="true()"/>
    <xsl:choose>
      <xsl:when test="$t:at-block">
        <xsl:apply-templates select="t:read-children(., $t:view)" mode="t:read"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:next-match/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Any other element: inside a block, its content is read in place;
       between blocks, it is a block if it has text of its own. -->
  <xsl:template match="*" mode="t:read" as="item()*">
    <xsl:param name="t:view" as="xs:string" tunnel="yes" select="$t:reading"/>
    <xsl:param name="t:at-block" as="xs:boolean" tunnel="yes" select="true()"/>
    <xsl:choose>
      <xsl:when test="$t:at-block">
        <xsl:apply-templates select="node()" mode="t:read"/>
      </xsl:when>
      <xsl:when test="t:has-own-text(.)">
        <xsl:call-template name="t:read-block"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:apply-templates select="*" mode="t:read"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="t:read-block" as="item()*">
    <xsl:param name="t:view" as="xs:string" tunnel="yes" select="$t:reading"/>
    <xsl:variable name="is-block" as="xs:boolean"
      select="map:contains($t:block-names, local-name()) or t:has-own-text(.)"/>
    <xsl:sequence select="'&#10;'"/>
    <xsl:apply-templates select="if ($is-block) then t:read-children(., $t:view) else *" mode="t:read">
      <xsl:with-param name="t:at-block" as="xs:boolean" select="$is-block" tunnel="yes"/>
    </xsl:apply-templates>
    <xsl:sequence select="'&#10;'"/>
  </xsl:template>

  <xsl:function name="t:has-own-text" as="xs:boolean">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="exists($element/text()[normalize-space()])"/>
  </xsl:function>

  <!-- What is read of an element's content: all of it; of a choice, its
       text and the one alternative the view takes. -->
  <xsl:function name="t:read-children" as="node()*">
    <xsl:param name="element" as="element()"/>
    <xsl:param name="view" as="xs:string"/>
    <xsl:sequence select="if ($element/self::choice)
      then (let $chosen := t:choose($element, $view) return $element/node()[not(self::*) or . is $chosen])
      else $element/node()"/>
  </xsl:function>

  <!-- The alternative of a choice to read in a view: diplomatic reads the
       first that is not the editors' (the source's sic, abbr, orig), reading
       the first of the editors' (corr, expan, reg), else the first. -->
  <xsl:function name="t:choose" as="element()?">
    <xsl:param name="choice" as="element()"/>
    <xsl:param name="view" as="xs:string"/>
    <xsl:sequence select="if ($view = $t:diplomatic)
      then $choice/*[not(local-name() = $t:editorial-forms)][1]
      else ($choice/*[local-name() = $t:editorial-forms], $choice/*)[1]"/>
  </xsl:function>

  <!-- The source's form and the editors' form of a choice. -->
  <xsl:function name="t:choice-source" as="element()?">
    <xsl:param name="choice" as="element()"/>
    <xsl:sequence select="t:choose($choice, $t:diplomatic)"/>
  </xsl:function>

  <xsl:function name="t:choice-edited" as="element()?">
    <xsl:param name="choice" as="element()"/>
    <xsl:sequence select="t:choose($choice, $t:reading)"/>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- Output helpers                                                      -->
  <!-- ================================================================== -->

  <!-- Wrap text at a width (words longer than the width stand alone on a line).
       Greedy filling: each line is the longest run of words of at most $width
       characters. -->
  <xsl:function name="t:wrap" as="xs:string">
    <xsl:param name="text" as="xs:string"/>
    <xsl:param name="width" as="xs:integer"/>
    <xsl:variable name="words" as="xs:string" select="normalize-space($text)"/>
    <xsl:sequence select="
      if ($width lt 1) then string-join(tokenize($words), '&#10;')
      else string-join(t:wrap-lines($words, $width), '&#10;')"/>
  </xsl:function>

  <!-- The lines of normalised text: each ends at the last space within
       $width + 1 characters of its start (or at the first space, after a
       longer word). Linear in the text: one iteration per line, each reading
       only its own characters, found by code points (a regular expression
       doing the same cost about twice as much in Saxon). The line's start is
       carried as an offset: cutting the first line off and recursing on the
       rest copied the rest for every line (a 2 MB paragraph took minutes and
       gigabytes), and recursion is as deep as the text is long. -->
  <xsl:function name="t:wrap-lines" as="xs:string*">
    <xsl:param name="words" as="xs:string"/>
    <xsl:param name="width" as="xs:integer"/>
    <xsl:variable name="length" as="xs:integer" select="string-length($words)"/>
    <xsl:iterate select="1 to $length">
      <xsl:param name="start" as="xs:integer" select="1"/>
      <xsl:choose>
        <xsl:when test="$length - $start lt $width">
          <xsl:sequence select="substring($words, $start)[.]"/>
          <xsl:break/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:variable name="space" as="xs:integer" select="(
            index-of(string-to-codepoints(substring($words, $start, $width + 1)), 32)[last()] + $start - 1,
            t:first-space($words, $start + $width + 1, $width + 1))[1]"/>
          <xsl:sequence select="substring($words, $start, $space - $start)"/>
          <xsl:next-iteration>
            <xsl:with-param name="start" as="xs:integer" select="$space + 1"/>
          </xsl:next-iteration>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:iterate>
  </xsl:function>

  <!-- The position of the first space in $words from $from on (its length + 1
       if none), read in windows that double in size: time linear in the
       distance to it, however long the word. -->
  <xsl:function name="t:first-space" as="xs:integer">
    <xsl:param name="words" as="xs:string"/>
    <xsl:param name="from" as="xs:integer"/>
    <xsl:param name="size" as="xs:integer"/>
    <xsl:variable name="found" as="xs:integer?"
      select="index-of(string-to-codepoints(substring($words, $from, $size)), 32)[1]"/>
    <xsl:sequence select="
      if (exists($found)) then $from + $found - 1
      else if ($from + $size gt string-length($words)) then string-length($words) + 1
      else t:first-space($words, $from + $size, $size * 2)"/>
  </xsl:function>

  <!-- One output file of the envelope: its output (the folder it goes to), its
       name and its finished text. -->
  <xsl:function name="t:file" as="element(t:file)">
    <xsl:param name="format" as="xs:string"/>
    <xsl:param name="name" as="xs:string"/>
    <xsl:param name="content" as="xs:string"/>
    <t:file format="{$format}" name="{$name}">
      <xsl:value-of select="$content"/>
    </t:file>
  </xsl:function>

  <!-- The same for a file of bytes (an output whose toolkit/formats.py entry
       is binary): $content is the bytes in base64, $encoding 'base64'. -->
  <xsl:function name="t:file" as="element(t:file)">
    <xsl:param name="format" as="xs:string"/>
    <xsl:param name="name" as="xs:string"/>
    <xsl:param name="content" as="xs:string"/>
    <xsl:param name="encoding" as="xs:string"/>
    <t:file format="{$format}" name="{$name}" encoding="{$encoding}">
      <xsl:value-of select="$content"/>
    </t:file>
  </xsl:function>

  <!-- An HTML page as the text of its file: HTML5 syntax, UTF-8, not
       indented: the page's whitespace is exactly the result tree's (what the
       templates made, nothing added by the serialiser), and indenting cost a
       tenth of a document's transformation (bench/README.md, issue 21). The
       page a large document writes to a file (mode t:spool, html-page.xsl)
       is serialised with the same parameters. -->
  <xsl:function name="t:serialize-html" as="xs:string">
    <xsl:param name="page" as="element()"/>
    <xsl:sequence select="serialize($page, map {
      'method': 'html', 'html-version': 5.0, 'indent': false(), 'include-content-type': false(), 'encoding': 'UTF-8'
    }) || '&#10;'"/>
  </xsl:function>

  <!-- A set of element names, for map:contains($set, local-name()): one hash
       lookup, where local-name() = ('a', 'b', ...) compares with every name
       in turn (several times slower in Saxon, and asked of every element). -->
  <xsl:function name="t:name-set" as="map(xs:string, xs:boolean)">
    <xsl:param name="names" as="xs:string*"/>
    <xsl:sequence select="map:merge($names ! map { .: true() })"/>
  </xsl:function>

  <!-- An English list: "A", "A and B", "A, B, and C" (serial comma). -->
  <xsl:function name="t:and-list" as="xs:string">
    <xsl:param name="items" as="xs:string*"/>
    <xsl:param name="and" as="xs:string"/>
    <xsl:variable name="n" as="xs:integer" select="count($items)"/>
    <xsl:sequence select="
      if ($n le 1) then string($items[1])
      else if ($n = 2) then $items[1] || ' ' || $and || ' ' || $items[2]
      else string-join($items[position() lt $n], ', ') || ', ' || $and || ' ' || $items[$n]"/>
  </xsl:function>

  <!-- A date for citations: "December 23, 1962" (Chicago), "23 Dec. 1962"
       (MLA), "1962, December 23" (APA). -->
  <xsl:function name="t:date-words" as="xs:string">
    <xsl:param name="date" as="xs:date"/>
    <xsl:sequence select="format-date($date, '[MNn] [D], [Y]', 'en', (), ())"/>
  </xsl:function>

  <xsl:function name="t:mla-date" as="xs:string">
    <xsl:param name="date" as="xs:date"/>
    <xsl:variable name="month" as="xs:string" select="format-date($date, '[MNn]', 'en', (), ())"/>
    <xsl:variable name="short" as="xs:string"
      select="if (string-length($month) le 4) then $month
              else if ($month = 'September') then 'Sept.' else substring($month, 1, 3) || '.'"/>
    <xsl:sequence select="day-from-date($date) || ' ' || $short || ' ' || year-from-date($date)"/>
  </xsl:function>

</xsl:stylesheet>
