<?xml version="1.0" encoding="UTF-8"?>
<!--
  edition.xsl: what every build shares, whatever it makes: the shared modules
  and the dispatch from a document to its files. It is not run alone: the
  build composes its entry stylesheet (toolkit/transform.py,
  entry_stylesheet) from this module, the modules of every output format
  (toolkit/formats.py) and of every kind of document (toolkit/kinds/), and
  the map t:outputs from each format's name to its function. A TEI document
  is parsed once, its authority file read once, and what the outputs share
  (the header map, the citations) is computed once per document.

  Input a TEI document: an envelope with the files of the outputs that
  t:formats names (for a FRUS volume or a teiCorpus, those of each document
  in the volume's folder, and the volume's page: collection.xsl and the
  kind's module, e.g. toolkit/kinds/frus/frus.xsl). Input an edition manifest (<t:edition>): the index page
  (html-page.xsl).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:telegram2477:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all">

  <xsl:include href="common.xsl"/>
  <xsl:include href="citations.xsl"/>
  <xsl:include href="collection.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <!-- t:formats: the outputs to make, separated by spaces, in build order
       (default: every registered format). Set by the format option of
       `teikit build`. -->
  <xsl:param name="t:formats" as="xs:string" select="string-join(map:keys($t:outputs), ' ')"/>

  <!-- t:spool: the URI of a file the document's HTML page is written to by
       Saxon itself, or '' (the default: the page's text comes back in the
       envelope). Set by the build (toolkit/transform.py, spool) only for a
       TEI document of FORMAT_BY_FORMAT characters or more published as one
       page, in the run that makes its HTML: the page is serialised straight
       from the templates into the file, never held whole in memory as a tree,
       a string, an envelope's text and a Python str (bench/README.md, "Large
       documents, round four"). The envelope then names the page with the
       encoding 'spooled' and no text, and the build moves the file into the
       staging folder. -->
  <xsl:param name="t:spool" as="xs:string" select="''"/>

  <xsl:template match="/" as="xs:string*">
    <!-- Before the envelope's variable: xsl:result-document is refused in a
         variable's or a function's evaluation ("temporary output state"). -->
    <xsl:apply-templates select=".[$t:spool]" mode="t:spool"/>
    <xsl:variable name="items" as="element()*"><xsl:apply-templates select="." mode="t:publish"/></xsl:variable>
    <xsl:sequence select="t:envelope($items)"/>
  </xsl:template>

  <!-- Mode t:spool: the files a format writes to $t:spool itself (html-page.xsl
       adds the page); by default none. -->
  <xsl:mode name="t:spool" on-no-match="deep-skip"/>

  <!-- The envelope of a transformation, what toolkit/transform.py reads
       (split_envelope): two strings per element, a head and a text. A
       t:file gives 'file', its format, its encoding ('' for text) and its
       name, separated by tabs, then its content; any other element (t:card,
       t:record) its local name, then itself serialised as XML. The build
       takes the result as a raw sequence (transform_to_value): no element
       wraps the files, and the pages' text is neither escaped into XML nor
       parsed again, which cost 8 % of a document's transformation
       (bench/README.md, issue 21). -->
  <xsl:function name="t:envelope" as="xs:string*">
    <xsl:param name="items" as="element()*"/>
    <xsl:for-each select="$items">
      <xsl:sequence select="if (self::t:file)
        then (string-join(('file', @format, string(@encoding), @name), '&#9;'), string(.))
        else (local-name(), serialize(.))"/>
    </xsl:for-each>
  </xsl:function>

  <!-- Mode t:publish: the files a source document gives. A document of the
       edition (or any single TEI text) is one publication; a FRUS volume
       (toolkit/kinds/frus/frus.xsl) and a teiCorpus (collection.xsl) are
       many, in a folder. A kind's module adds its templates to this mode. -->
  <xsl:template match="document-node()" mode="t:publish" as="element()*">
    <xsl:sequence select="t:document-files(., tokenize($t:formats))"/>
  </xsl:template>

  <!-- An element is published as the document it belongs to. -->
  <xsl:template match="*" mode="t:publish" as="element()*">
    <xsl:apply-templates select="root(.)" mode="t:publish"/>
  </xsl:template>

  <!-- Every output asked for of one publication (with the HTML, its index
       card): each format's function, from the map t:outputs of the entry. -->
  <xsl:function name="t:document-files" as="element()*">
    <xsl:param name="root" as="document-node()"/>
    <xsl:param name="formats" as="xs:string*"/>
    <xsl:for-each select="$formats">
      <xsl:sequence select="$t:outputs(.)($root)"/>
    </xsl:for-each>
  </xsl:function>

</xsl:stylesheet>
