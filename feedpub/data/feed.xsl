<?xml version="1.0" encoding="UTF-8"?>
<!--
  feedpub's browser view: a feed opened in a browser shows as a readable page with a
  "subscribe" hint instead of raw XML. Feed readers ignore it. Handles RSS 2.0 and Atom 1.0.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:content="http://purl.org/rss/1.0/modules/content/"
    exclude-result-prefixes="atom dc content">
  <xsl:output method="html" encoding="UTF-8" indent="yes"
      doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <xsl:variable name="title" select="rss/channel/title | atom:feed/atom:title"/>
    <html>
      <head>
        <meta charset="UTF-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> (feed)</title>
        <style>
          body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
          .hint { background: #fff8d6; border: 1px solid #e8d98a; padding: .75rem 1rem; border-radius: .4rem; }
          .hint code { word-break: break-all; }
          article { border-top: 1px solid #ddd; padding: 1rem 0; }
          .meta { color: #666; font-size: .9rem; }
          .summary { font-style: italic; }
          .content img { max-width: 100%; height: auto; }
          blockquote { border-left: 3px solid #ccc; margin-left: 0; padding-left: 1rem; color: #444; }
        </style>
      </head>
      <body>
        <h1><xsl:value-of select="$title"/></h1>
        <p><xsl:value-of select="rss/channel/description | atom:feed/atom:subtitle"/></p>
        <p class="hint">
          This is a <strong>feed</strong>. To subscribe, copy its address into your feed reader:
          <code><xsl:value-of select="rss/channel/atom:link[@rel='self']/@href | atom:feed/atom:link[@rel='self']/@href"/></code>
        </p>
        <xsl:apply-templates select="rss/channel/item | atom:feed/atom:entry"/>
        <script>
          // The full text is HTML carried as text. Browsers that honour disable-output-escaping
          // (Chromium, Safari) show it as HTML; Firefox hands it over as text: parse it here.
          for (const div of document.querySelectorAll("div.content")) {
            if (!div.firstElementChild) div.innerHTML = div.textContent;
          }
        </script>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item">
    <article>
      <h2><a href="{link}"><xsl:value-of select="title"/></a></h2>
      <p class="meta">
        <xsl:for-each select="dc:creator | author">
          <xsl:if test="position() = 1">By </xsl:if>
          <xsl:value-of select="."/>
          <xsl:if test="position() != last()">, </xsl:if>
          <xsl:if test="position() = last()"> · </xsl:if>
        </xsl:for-each>
        <xsl:value-of select="pubDate"/>
      </p>
      <xsl:if test="category">
        <p class="meta">
          <xsl:for-each select="category">
            <xsl:value-of select="."/>
            <xsl:if test="position() != last()">, </xsl:if>
          </xsl:for-each>
        </p>
      </xsl:if>
      <p class="summary"><xsl:value-of select="description"/></p>
      <xsl:if test="content:encoded">
        <div class="content"><xsl:value-of select="content:encoded" disable-output-escaping="yes"/></div>
      </xsl:if>
    </article>
  </xsl:template>

  <xsl:template match="atom:entry">
    <article>
      <h2><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h2>
      <p class="meta">
        <xsl:for-each select="atom:author/atom:name">
          <xsl:if test="position() = 1">By </xsl:if>
          <xsl:value-of select="."/>
          <xsl:if test="position() != last()">, </xsl:if>
          <xsl:if test="position() = last()"> · </xsl:if>
        </xsl:for-each>
        <xsl:value-of select="atom:published"/>
      </p>
      <xsl:if test="atom:category">
        <p class="meta">
          <xsl:for-each select="atom:category">
            <xsl:value-of select="@term"/>
            <xsl:if test="position() != last()">, </xsl:if>
          </xsl:for-each>
        </p>
      </xsl:if>
      <p class="summary"><xsl:value-of select="atom:summary"/></p>
      <xsl:if test="atom:content[@type='html']">
        <div class="content"><xsl:value-of select="atom:content" disable-output-escaping="yes"/></div>
      </xsl:if>
    </article>
  </xsl:template>
</xsl:stylesheet>
