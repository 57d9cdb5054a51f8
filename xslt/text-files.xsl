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
  source note comes last, as in the printed volume. What is read, and where
  a block begins, is the reading of common.xsl (mode t:read), the one
  teikit diff and lint read in Python: docs/encoding.md, "The reading".
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

  <!-- The files of the text output for a TEI document: both views. -->
  <xsl:function name="t:text-files" as="element(t:file)+">
    <xsl:param name="root" as="document-node()"/>
    <xsl:sequence select="t:file('text', t:doc-path($root) || '.diplomatic.txt', t:text-file($root, $t:diplomatic)),
      t:file('text', t:doc-path($root) || '.reading.txt', t:text-file($root, $t:reading))"/>
  </xsl:function>

  <!-- The whole file in one view: the blocks of the running text, then the
       footnotes ("n text"), then the source notes; each read as docs/encoding.md
       ("The reading") says, by mode t:read of common.xsl. -->
  <xsl:function name="t:text-file" as="xs:string">
    <xsl:param name="root" as="document-node()"/>
    <xsl:param name="view" as="xs:string"/>
    <xsl:variable name="flow" as="item()*" select="$root/TEI/text ! t:read(., $view, false())"/>
    <xsl:variable name="notes" as="element()*" select="t:with-inner-notes($flow[. instance of element()], $view)"/>
    <xsl:variable name="blocks" as="xs:string*" select="
      t:blocks-of($flow),
      $notes[t:is-footnote(.)] ! (let $read := t:note-blocks(., $view)
        return (t:note-number(.) || ' ' || $read[1], tail($read))),
      $notes[not(t:is-footnote(.))] ! t:note-blocks(., $view)"/>
    <xsl:variable name="wrapped" as="xs:string*" select="$blocks[normalize-space()] ! t:wrap(., $t:width)"/>
    <xsl:sequence select="string-join($wrapped, '&#10;&#10;') || '&#10;'"/>
  </xsl:function>

</xsl:stylesheet>
