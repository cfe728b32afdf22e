"""Report pages made ready for paper: print CSS, the bundled font, no scripts; the month document.

Pure functions from HTML text to HTML text; :mod:`civicstats.report.pdf` hands the result
to a browser. The look on paper is ``print.css`` beside this file.

>>> page = ('<html><head><script src="https://cdn.example/x.js"></script></head><body>'
...         '<h1>社区合伙人<a class="anchor-link" href="#a">¶</a></h1><p>十</p></body></html>')
>>> out = printable(page, "/*css*/")
>>> "<script" in out, "/*css*/" in out, page_title(page)
(False, True, '社区合伙人')
"""

import html
import re
from pathlib import Path

from bs4 import BeautifulSoup

from civicstats import config

FONT_DIR = config.FONT_DIR
FONTS = dict(zip(("regular", "bold"), config.FONT_FILES, strict=True))
"""The bundled CJK font (``civicstats/fonts``), embedded in every PDF."""

CSS_FILE = Path(__file__).with_name("print.css")

_FIELD = re.compile(r"\{(page|pages)\}")


def footer_content(template: str) -> str:
    """A sentence with ``{page}`` and ``{pages}`` as a CSS ``content`` value.

    >>> footer_content("第 {page} 页，共 {pages} 页")
    '"第 " counter(page) " 页，共 " counter(pages) " 页"'
    """
    parts = []
    for i, piece in enumerate(_FIELD.split(template)):
        if i % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append('"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(parts)


def print_css(footer: str, font_dir: Path = FONT_DIR) -> str:
    """The print style sheet with the font files' URLs and the page-number words filled in.

    >>> css = print_css("{page} / {pages}")
    >>> "size: A4" in css and "CivicSans-SC.ttf" in css and 'counter(page) " / " counter(pages)' in css
    True
    """
    css = CSS_FILE.read_text(encoding="utf-8")
    for key, name in FONTS.items():
        css = css.replace("{" + key + "}", (Path(font_dir) / name).resolve().as_uri())
    return css.replace("{footer}", footer_content(footer))


def _soup(page_html: str) -> BeautifulSoup:
    soup = BeautifulSoup(page_html, "html.parser")
    # scripts are interactive bits (and nbconvert's load from a CDN): nothing on paper needs them
    for tag in soup.find_all(["script", "noscript"]):
        tag.decompose()
    for tag in soup.select("a.anchor-link"):
        tag.decompose()
    return soup


def page_title(page_html: str) -> str:
    """The page's first heading as a reader sees it (its ``<title>`` when it has none).

    >>> page_title("<title>x · 2023-09</title><h2>Only a subheading</h2>")
    'x · 2023-09'
    """
    return _title(_soup(page_html))


def _title(soup: BeautifulSoup) -> str:
    tag = soup.find("h1") or soup.find("title")
    return tag.get_text(" ", strip=True) if tag else ""


def _add_css(soup: BeautifulSoup, css: str) -> None:
    head = soup.head
    if head is None:
        head = soup.new_tag("head")
        (soup.html or soup).insert(0, head)
    style = soup.new_tag("style")
    style["media"] = "all"
    style.string = css
    head.append(style)  # last, so that it wins over the page's own styles


def printable(page_html: str, css: str) -> str:
    """One report page ready to print: scripts and anchors removed, ``css`` added last."""
    soup = _soup(page_html)
    _add_css(soup, css)
    return str(soup)


def _styles(soup: BeautifulSoup) -> str:
    return "\n".join(str(tag) for tag in soup.head.find_all("style")) if soup.head else ""


def month_document(pages: list[tuple[str, str]], *, css: str, lang: str, title: str,
                   lines: list[str], contents_title: str, start_pages: list[int],
                   front_only: bool = False) -> str:
    """The whole month as one document: a title page, contents, then each page on new paper.

    ``pages`` are ``(name, html)`` in report order and ``start_pages`` the page each starts
    on; ``front_only`` leaves the pages out (to learn how long the title and contents are).

    >>> doc = month_document([("a", "<html><head><style>p{}</style></head><body><h1>甲</h1></body></html>")],
    ...                      css="", lang="zh-CN", title="月报", lines=["2023年9月"],
    ...                      contents_title="目录", start_pages=[3])
    >>> '<section class="report-page" id="page-a">' in doc and '<span class="page">3</span>' in doc
    True
    """
    e = html.escape
    styles, entries, sections = [], [], []
    for (name, page), start in zip(pages, start_pages, strict=True):
        soup = _soup(page)
        if not styles:  # one template for every page: its head styles once are enough (the
            styles.append(_styles(soup))  # tables' own styles are in the body, and come along)
        body = soup.body or soup
        anchor = f"page-{name}"
        entries.append(f'<li><a class="title" href="#{e(anchor)}">{e(_title(soup) or name)}</a>'
                       f'<span class="dots"></span><span class="page">{start}</span></li>')
        classes = " ".join(body.get("class", [])) if hasattr(body, "get") else ""
        if not front_only:
            sections.append(f'<section class="report-page" id="{e(anchor)}">'
                            f'<div class="{e(classes)}">{body.decode_contents()}</div></section>')
    cover = "".join(f"<p>{e(line)}</p>" for line in lines)
    return f"""<!doctype html>
<html lang="{e(lang)}"><head><meta charset="utf-8"><title>{e(title)}</title>
{"".join(styles)}
<style media="all">{css}</style></head>
<body>
<div class="cover"><h1>{e(title)}</h1>{cover}</div>
<div class="contents"><h1>{e(contents_title)}</h1><ol>{"".join(entries)}</ol></div>
{"".join(sections)}
</body></html>
"""
