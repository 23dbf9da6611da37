"""The raw responses export (``spreadsheets.responses_file``) reads back as openpyxl wrote it:
values, the date format, the header's style, quoted formula-like texts."""

import datetime

from openpyxl import load_workbook

from pacesetter.surveys import spreadsheets
from pacesetter.surveys.models import Response
from tests.surveys.conftest import submit


def _sheet(campaign):
    with spreadsheets.responses_file(campaign) as handle:
        return load_workbook(handle).worksheets[0]


def test_each_response_is_a_row_of_labels_with_its_time_unit_and_flags(campaign, link_a, link_b):
    first, _ = submit(link_a, "a", {"A1": "my", "B1": "jbmy", "age": "old", "remarks": "好"},
                      duration=90)
    submit(link_b, "b", {"A1": "bmy", "B1": "my"}, channel="phone")
    Response.objects.filter(pk=first).update(flags=5, excluded=True)
    sheet = _sheet(campaign)
    header, *rows = sheet.iter_rows()
    assert [c.value for c in header][:7] == ["答卷", "提交时间", "单位", "渠道", "用时（秒）",
                                             "异常标记", "已剔除"]
    assert all(c.font.b and c.fill.fgColor.rgb == "00B22222" for c in header)
    a, b = ([c.value for c in row] for row in rows)
    assert a[0] == first and a[2] == "东营区" and a[4] == 90 and a[6] == "是"
    assert a[5] and "、" in a[5]
    assert a[7:] == ["满意", None, "基本满意", "36岁以上", "好"]
    assert b[2:4] == ["河口区", "电话随机拨号"] and b[4] is None and b[5:7] == [None, None]
    assert b[7:] == ["不满意", None, "满意", None, None]
    at = rows[0][1]
    assert isinstance(at.value, datetime.datetime) and at.number_format == "yyyy-mm-dd h:mm:ss"


def test_texts_are_kept_as_typed_and_never_read_as_formulas(campaign, link_a):
    texts = ["=HYPERLINK(\"http://x\")", "<b>&amp;</b> “引号”", "  两端空格  ", "-1", "@x"]
    for n, text in enumerate(texts):
        submit(link_a, f"r{n}", {"A1": "my", "B1": "my", "remarks": text})
    Response.objects.filter(extra__remarks="-1").update(extra={"remarks": "响应\x01控制符"})
    sheet = _sheet(campaign)
    cells = [row[-1] for row in list(sheet.iter_rows())[1:]]
    assert [c.value for c in cells] == [texts[0], texts[1], texts[2].strip(), "响应控制符", "@x"]
    assert [c.quotePrefix for c in cells] == [True, False, False, False, True]
    assert all(c.data_type == "s" for c in cells)
