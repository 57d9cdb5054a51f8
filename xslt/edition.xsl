<?xml version="1.0" encoding="UTF-8"?>
<!--
  edition.xsl: entry stylesheet for every output at once; `teikit build` runs
  this one. A TEI document is parsed once, its authority file read once, and
  what the outputs share (the header map, the citations) is computed once, so
  building all outputs costs much less than running html.xsl, text.xsl and
  cite.xsl in turn (which make the same files, one output each).

  Input a TEI document: an envelope with the files of the outputs that
  t:formats names. Input an edition manifest (<t:edition>): the index page.
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
  <xsl:include href="text-files.xsl"/>
  <xsl:include href="cite-files.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <!-- t:formats: the outputs to make, separated by spaces, from "html text
       cite" (the default: all three). Set by the format option of `teikit
       build`. -->
  <xsl:param name="t:formats" as="xs:string" select="'html text cite'"/>

  <xsl:template match="/" as="element(t:files)">
    <xsl:variable name="formats" as="xs:string*" select="tokenize($t:formats)"/>
    <t:files>
      <xsl:if test="$formats = 'html'">
        <xsl:sequence select="t:html-files(.)"/>
      </xsl:if>
      <xsl:if test="$formats = 'text'">
        <xsl:sequence select="t:text-files(.)"/>
      </xsl:if>
      <xsl:if test="$formats = 'cite'">
        <xsl:sequence select="t:cite-files(.)"/>
      </xsl:if>
    </t:files>
  </xsl:template>

  <xsl:template match="document-node(element(t:edition))" priority="2" as="element(t:files)">
    <t:files><xsl:sequence select="t:index-files(t:edition)"/></t:files>
  </xsl:template>

</xsl:stylesheet>
