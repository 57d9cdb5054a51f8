<?xml version="1.0" encoding="UTF-8"?>
<!--
  html.xsl: entry stylesheet for the HTML output alone (see html-page.xsl).
  Input a TEI document: an envelope with its page. Input an edition manifest
  (<t:edition>): an envelope with the index page. `teikit build` runs
  edition.xsl, which makes the same files.
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

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:template match="/" as="element(t:files)">
    <t:files><xsl:sequence select="t:html-files(.)"/></t:files>
  </xsl:template>

  <xsl:template match="document-node(element(t:edition))" priority="2" as="element(t:files)">
    <t:files><xsl:sequence select="t:index-files(t:edition)"/></t:files>
  </xsl:template>

</xsl:stylesheet>
