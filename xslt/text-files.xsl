<?xml version="1.0" encoding="UTF-8"?>
<!--
  text-files.xsl: the plain-text outputs of a TEI document (a module, included
  by the build's entry: toolkit/formats.py); t:text-files gives two files:

    <id>.diplomatic.txt  what the source says: abbreviations and errors as
                         written (sic, abbr, orig); it reproduces the source
                         transcription block for block
    <id>.reading.txt     the editors' reading: expansions and corrections
                         applied (expan, corr, reg)

  Both are UTF-8, wrapped at t:width columns, one blank line between blocks
  (head, dateline, paragraph, list item, salute, signature, ...). Footnotes
  leave their marker "(n)" in the text and follow the text as "n text"; the
  source note comes last, as in the printed volume.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:telegram2477:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all">


  <!-- t:width: the column lines are wrapped at. -->
  <xsl:param name="t:width" as="xs:integer" select="72"/>

  <!-- TEI elements whose content is a block of its own in plain text. -->
  <xsl:variable name="t:block-names" as="map(xs:string, xs:boolean)" select="t:name-set(('head', 'dateline', 'p', 'item', 'salute', 'signed',
    'ab', 'l', 'trailer', 'byline', 'docAuthor', 'docTitle', 'argument', 'epigraph', 'postscript', 'castItem',
    'speaker', 'stage'))"/>

  <!-- Elements that make blocks of their own inside a block. -->
  <xsl:variable name="t:nested-block-names" as="map(xs:string, xs:boolean)" select="map:merge(($t:block-names,
    t:name-set(('list', 'floatingText', 'lg', 'table', 'listBibl', 'div', 'closer', 'opener'))))"/>

  <!-- The files of the text output for a TEI document: both views. -->
  <xsl:function name="t:text-files" as="element(t:file)+">
    <xsl:param name="root" as="document-node()"/>
    <xsl:sequence select="t:file('text', t:doc-path($root) || '.diplomatic.txt', t:text-file($root, $t:diplomatic)),
      t:file('text', t:doc-path($root) || '.reading.txt', t:text-file($root, $t:reading))"/>
  </xsl:function>

  <!-- The whole file in one view: text blocks, then footnotes, then source notes. -->
  <xsl:function name="t:text-file" as="xs:string">
    <xsl:param name="root" as="document-node()"/>
    <xsl:param name="view" as="xs:string"/>
    <xsl:variable name="blocks" as="xs:string*">
      <xsl:apply-templates select="$root/TEI/text" mode="t:blocks">
        <xsl:with-param name="t:view" as="xs:string" select="$view" tunnel="yes"/>
      </xsl:apply-templates>
      <xsl:for-each select="t:footnotes($root)">
        <xsl:sequence select="t:note-number(.) || ' ' || t:plain(., $view)"/>
      </xsl:for-each>
      <xsl:for-each select="t:source-notes($root)">
        <xsl:sequence select="t:plain(., $view)"/>
      </xsl:for-each>
    </xsl:variable>
    <xsl:variable name="wrapped" as="xs:string*" select="$blocks[normalize-space()] ! t:wrap(., $t:width)"/>
    <xsl:sequence select="string-join($wrapped, '&#10;&#10;') || '&#10;'"/>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- Mode t:blocks: the running text as a sequence of block strings      -->
  <!-- ================================================================== -->

  <!-- Catch-all: an element with text of its own is a block; otherwise its
       children are looked at. -->
  <xsl:template match="*" mode="t:blocks" as="xs:string*">
    <xsl:param name="t:view" as="xs:string" tunnel="yes"/>
    <xsl:choose>
      <xsl:when test="text()[normalize-space()]">
        <xsl:sequence select="t:block(., $t:view)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:apply-templates select="*" mode="t:blocks"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="*[map:contains($t:block-names, local-name())]" mode="t:blocks" as="xs:string*">
    <xsl:param name="t:view" as="xs:string" tunnel="yes"/>
    <xsl:sequence select="t:block(., $t:view)"/>
  </xsl:template>

  <!-- Not in the running text: notes come at the end; the header, figures'
       descriptions and stand-off records are not text. -->
  <xsl:template match="note | teiHeader | standOff | figDesc | interpGrp | spanGrp | linkGrp | fw
    | listPerson | listPlace | listOrg | listEvent | listRelation | listNym | listBibl[not(ancestor::p)]"
    mode="t:blocks" as="empty-sequence()"/>

  <!-- Elements of another namespace are data, not text (see mode t:plain). -->
  <xsl:template match="*[namespace-uri() ne 'http://www.tei-c.org/ns/1.0']" mode="t:blocks" as="empty-sequence()"/>

  <!-- A block's text; block elements nested in it (a list in a paragraph)
       become blocks of their own, between the runs of text around them. -->
  <xsl:function name="t:block" as="xs:string*">
    <xsl:param name="block" as="element()"/>
    <xsl:param name="view" as="xs:string"/>
    <xsl:for-each-group select="$block/node()" group-adjacent="t:is-nested-block(.)">
      <xsl:choose>
        <xsl:when test="current-grouping-key()">
          <xsl:apply-templates select="current-group()" mode="t:blocks">
            <xsl:with-param name="t:view" as="xs:string" select="$view" tunnel="yes"/>
          </xsl:apply-templates>
        </xsl:when>
        <xsl:otherwise>
          <xsl:variable name="parts" as="xs:string*">
            <xsl:apply-templates select="current-group()" mode="t:plain">
              <xsl:with-param name="t:view" as="xs:string" select="$view" tunnel="yes"/>
            </xsl:apply-templates>
          </xsl:variable>
          <xsl:sequence select="normalize-space(string-join($parts, ''))[.]"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each-group>
  </xsl:function>

  <xsl:function name="t:is-nested-block" as="xs:boolean">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="$node instance of element()
      and map:contains($t:nested-block-names, local-name($node))"/>
  </xsl:function>

</xsl:stylesheet>
