<?xml version="1.0" encoding="UTF-8"?>
<!--
  edition.xsl: entry stylesheet for every output at once; `teikit build` runs
  this one. A TEI document is parsed once, its authority file read once, and
  what the outputs share (the header map, the citations) is computed once, so
  building all outputs costs much less than running html.xsl, text.xsl and
  cite.xsl in turn (which make the same files, one output each).

  Input a TEI document: an envelope with the files of the outputs that
  t:formats names (for a FRUS volume or a teiCorpus, those of each document
  in the volume's folder, and the volume's page: collection.xsl, frus.xsl). Input an edition manifest (<t:edition>): the index page.
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
  <xsl:include href="html-text.xsl"/>
  <xsl:include href="html-page.xsl"/>
  <xsl:include href="search.xsl"/>
  <xsl:include href="text-files.xsl"/>
  <xsl:include href="cite-files.xsl"/>
  <xsl:include href="collection.xsl"/>
  <xsl:include href="frus.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <!-- t:formats: the outputs to make, separated by spaces, from "html text
       cite" (the default: all three). Set by the format option of `teikit
       build`. -->
  <xsl:param name="t:formats" as="xs:string" select="'html text cite'"/>

  <xsl:template match="/" as="element(t:files)">
    <t:files><xsl:apply-templates select="." mode="t:publish"/></t:files>
  </xsl:template>

  <!-- Mode t:publish: the files a source document gives. A document of the
       edition (or any single TEI text) is one publication; a FRUS volume
       (frus.xsl) and a teiCorpus (collection.xsl) are many, in a folder. -->
  <xsl:template match="document-node()" mode="t:publish" as="element()*">
    <xsl:sequence select="t:document-files(., tokenize($t:formats))"/>
  </xsl:template>

  <!-- An element is published as the document it belongs to. -->
  <xsl:template match="*" mode="t:publish" as="element()*">
    <xsl:apply-templates select="root(.)" mode="t:publish"/>
  </xsl:template>

  <!-- Every output asked for of one publication (with the HTML, its index card). -->
  <xsl:function name="t:document-files" as="element()*">
    <xsl:param name="root" as="document-node()"/>
    <xsl:param name="formats" as="xs:string*"/>
    <xsl:if test="$formats = 'html'">
      <xsl:sequence select="t:html-files($root)"/>
    </xsl:if>
    <xsl:if test="$formats = 'text'">
      <xsl:sequence select="t:text-files($root)"/>
    </xsl:if>
    <xsl:if test="$formats = 'cite'">
      <xsl:sequence select="t:cite-files($root)"/>
    </xsl:if>
  </xsl:function>

  <xsl:template match="document-node(element(t:edition))" priority="2" as="element(t:files)">
    <t:files><xsl:sequence select="t:index-files(t:edition)"/></t:files>
  </xsl:template>

</xsl:stylesheet>
