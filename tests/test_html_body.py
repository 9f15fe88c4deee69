"""The HTML body finder weighs few elements: its shortcuts must give what weighing them all gives."""
from pathlib import Path

import pytest
from lxml import etree

from conftest import SAMPLES
from extractor.readers.encoding import decode_html
from extractor.readers.html import _is_data_table, find_body, text_weight

CORPUS = SAMPLES
PAGES = sorted(CORPUS.glob("*.html"))
SHARE = 0.8


def parsed(path: Path) -> etree._Element:
    return etree.fromstring(decode_html(str(path), path.read_bytes()), etree.HTMLParser(remove_comments=True))


def visible(text: str | None) -> int:
    return len("".join((text or "").split()))


def is_link(element: etree._Element) -> bool:
    return element.tag == "a" and element.get("href") is not None


def test_there_are_pages_to_check():
    assert len(PAGES) >= 3


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_weight_is_own_text_plus_childrens_weights_and_tails(path):
    for element in parsed(path).find("body").iter(etree.Element):
        if is_link(element):
            assert text_weight(element) == 0
            continue
        children = sum(text_weight(c) + visible(c.tail) for c in element)
        assert text_weight(element) == visible(element.text) + children, element.get("class")


def weigh_every_child(root: etree._Element) -> etree._Element:
    """The body finder without shortcuts: weigh every child, step into the heaviest if it holds enough."""
    node = root.find("body")
    while True:
        children = [c for c in node if not (c.tag == "table" and _is_data_table(c))]
        best = max(children, key=text_weight, default=None)
        if best is None or text_weight(node) == 0 or text_weight(best) < SHARE * text_weight(node):
            return node
        node = best


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_body_is_where_weighing_every_child_leads(path):
    root = parsed(path)
    assert find_body(root) is weigh_every_child(root)
