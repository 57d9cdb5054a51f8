<?xml version="1.0" encoding="UTF-8"?>
<!--
  text.xsl: entry stylesheet for the plain-text output alone (see
  text-files.xsl): an envelope with the diplomatic and the reading text.
  `teikit build` runs edition.xsl, which makes the same files.
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
  <xsl:include href="text-files.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:template match="/" as="element(t:files)">
    <t:files><xsl:sequence select="t:text-files(.)"/></t:files>
  </xsl:template>

</xsl:stylesheet>
