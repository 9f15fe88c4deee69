"""Setting a crawl up: the seeds file, the settings, the registrable domain and address rules."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractor.crawl import CrawlSettings, Seed, read_seeds
from extractor.crawl.outcome import Outcome
from extractor.crawl.scope import address_refusal, registrable_domain, same_site
from extractor.errors import CrawlError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "seeds.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_seeds_are_read_with_extra_columns_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "body,region,url,note\n平潭综合实验区,福建省,https://www.pingtan.gov.cn/zfxxgknb/,x\n")
    assert read_seeds(path) == [Seed("平潭综合实验区", "福建省", "https://www.pingtan.gov.cn/zfxxgknb/")]


def test_seeds_without_a_url_column_are_refused_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "body,region\n平潭综合实验区,福建省\n")
    with pytest.raises(CrawlError, match="missing: url") as caught:
        read_seeds(path)
    assert caught.value.path == str(path)


def test_seed_urls_must_be_http(tmp_path: Path) -> None:
    with pytest.raises(CrawlError, match="line 2: url must be an http"):
        read_seeds(write(tmp_path, "body,region,url\n平潭,福建省,ftp://pingtan.gov.cn/\n"))


def test_negative_delay_is_refused() -> None:
    with pytest.raises(CrawlError, match="delay must not be negative"):
        CrawlSettings(delay=-1)


@pytest.mark.parametrize(("url", "domain"), [
    ("https://www.pingtan.gov.cn/zwgk/", "pingtan.gov.cn"),
    ("http://zwgk.sh.gov.cn/nb/", "sh.gov.cn"),
    ("http://xxgk.js.cn/", "xxgk.js.cn"),
    ("http://127.0.0.1:8000/", "127.0.0.1"),
])
def test_registrable_domain_uses_the_public_suffix_list(url: str, domain: str) -> None:
    assert registrable_domain(url) == domain


def test_a_sibling_government_site_is_another_site() -> None:
    assert not same_site("http://www.fujian.gov.cn/a.pdf", "https://www.pingtan.gov.cn/zfxxgknb/")


def test_loopback_is_refused_by_default_and_allowed_on_request() -> None:
    refused = address_refusal("http://127.0.0.1:8000/", allow_private=False)
    assert refused is not None and refused[0] is Outcome.ERROR
    assert address_refusal("http://127.0.0.1:8000/", allow_private=True) is None


def test_private_network_addresses_are_refused() -> None:
    refused = address_refusal("http://10.1.2.3/", allow_private=False)
    assert refused is not None and "non-public address (10.1.2.3)" in refused[1]
