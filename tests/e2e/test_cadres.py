"""A year-end appraisal of leading cadres (干部考核), from the rules to the audited profile, in a
real browser.

The province's organization department appraises the party secretaries and county heads of
three of Harbin's counties. Their 述职 scores are already entered, and their responsibility
index (担当指数) of the third quarter is published. The department sets up the appraisal on its
page (优秀 at most 15% of a ballot, rounded to the nearest: 1 of 6), issues one-time codes to a
panel of Harbin's leaders and opens rating. A rater, on a phone and without an account, types
the code and grades two cadres 优秀: the ballot is refused with the quota in words and nothing
is saved; with one 优秀 it is taken, once. The department closes rating, writes the panel's
scores into the plan, scores and publishes it. The cadre graded 优秀 by the panel tops the
secretaries and is on the red list; the profile shows the result, the panel's grades and the
trend of the index drawn by ECharts; and the audit log shows that the department read it.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

ORGANIZER = "sheng"  # 省委组织部管理员 (230000)
COUNTIES = ("230123", "230124", "230125")  # 依兰县, 方正县, 宾县: two cadres each
POSITIONS = ["县委书记", "县长"]
APPRAISAL = "县委书记县长年度考核"
INDEX = "县（市）领导干部担当指数"
PANEL_UNIT = "230100"  # Harbin's leaders rate the cadres of the city's counties
RATER, OTHER_RATER = "哈尔滨市委书记", "哈尔滨市长"
INDICATOR_NAMES = {"SZ": "述职评议", "SJPJ": "上级评价", "GX": "共性指标", "GXH": "个性指标"}
DIMENSIONS = 5  # the default 德能勤绩廉
# 述职 (self-report) scores entered by the organizer: the star 92, every other cadre 85.
STAR_REPORT, OTHERS_REPORT = 92, 85
# The appraisal's weights: the 述职 score 30, the superiors' panel 70. The star is graded 优秀
# (95 points) on every dimension, the others 称职 (80): 0.3 × 92 + 0.7 × 95 = 94.10.
STAR_TOTAL = "94.10"


# What ECharts drew in the chart: the periods, the index's values and the bands' edges.
DRAWN = """element => {
    const option = echarts.getInstanceByDom(element).getOption();
    return {labels: option.xAxis[0].data, values: option.series[0].data,
            edges: option.series[0].markLine.data.map(line => line.yAxis)};
}"""


def the_cadres() -> tuple[object, object]:
    """Yilan's party secretary (the star of this appraisal) and Yilan's county head."""
    from pacesetter.orgs.models import Person

    return (Person.objects.get(unit__code="230123", position="县委书记"),
            Person.objects.get(unit__code="230123", position="县长"))


def a_plan_of_cadres(name: str, period, weights: dict[str, int], *, red_top_n=None):
    from pacesetter.assessment import services as assessment
    from pacesetter.assessment.models import SubjectKind
    from pacesetter.orgs.models import Unit, User

    organizer = User.objects.get(username=ORGANIZER)
    province = Unit.objects.get(code="230000")
    plan = assessment.plan_create(
        actor=organizer, owner=province, name=name, period=period, series=name,
        subject_kind=SubjectKind.CADRE, assessed_positions=POSITIONS,
        assessed_unit_codes=COUNTIES, red_top_n=red_top_n, black_bottom_n=red_top_n)
    for code in weights:
        indicator = assessment.indicator_create(
            actor=organizer, owner=province, code=code, name=INDICATOR_NAMES[code],
            rule_kind="target", rule={"target": 100, "cap": 1})
        assessment.plan_indicator_set(actor=organizer, plan=plan, indicator=indicator)
    assessment.plan_weights_set(actor=organizer, plan=plan,
                                weights={code: Decimal(w) for code, w in weights.items()})
    return plan



def enter_figures(plan, figures_of) -> None:
    """Each cadre's figures, as the organizer enters them on the cadre's figures page."""
    from pacesetter.assessment import selectors as assessment_selectors
    from pacesetter.assessment import services as assessment
    from pacesetter.orgs.models import User

    organizer = User.objects.get(username=ORGANIZER)
    for subject in assessment_selectors.plan_subjects(plan=plan).select_related("person"):
        assessment.values_save(actor=organizer, plan=plan, unit=subject.unit,
                               person=subject.person, values={
                                   code: (Decimal(value), "")
                                   for code, value in figures_of(subject.person).items()})


def a_published_index() -> None:
    """The third quarter's responsibility index, published: the star 0.4 × 96 + 0.6 × 98 =
    97.2, in the band that calls for a promotion review; the others 72."""
    from pacesetter.assessment import services as assessment
    from pacesetter.cadres import services
    from pacesetter.orgs.models import User

    organizer = User.objects.get(username=ORGANIZER)
    star, _head = the_cadres()
    plan = a_plan_of_cadres(INDEX, assessment.period_get(
        kind="quarter", day=datetime.date(2026, 9, 30)), {"GX": 40, "GXH": 60})
    services.index_rule_save(actor=organizer, plan=plan, bands=[
        {"label": "提醒谈话", "action": "组织部约谈提醒"}, {"min": 60, "label": "一般"},
        {"min": 95, "label": "优先提拔", "action": "列入优先提拔使用人选", "candidate": True}])
    assessment.plan_open(actor=organizer, plan=plan)
    enter_figures(plan, lambda person: {"GX": 96, "GXH": 98} if person == star
                  else {"GX": 75, "GXH": 70})
    assessment.plan_score(actor=organizer, plan=plan)
    assessment.plan_publish(actor=organizer, plan=plan)


def an_open_appraisal_plan() -> int:
    """The year-end plan of the six cadres, collecting, with their 述职 scores entered."""
    from pacesetter.assessment import services as assessment
    from pacesetter.orgs.models import User

    star, _head = the_cadres()
    plan = a_plan_of_cadres(APPRAISAL, assessment.period_get(
        kind="year", day=datetime.date(2026, 12, 31)), {"SZ": 30, "SJPJ": 70}, red_top_n=1)
    assessment.plan_open(actor=User.objects.get(username=ORGANIZER), plan=plan)
    enter_figures(plan, lambda person: {"SZ": STAR_REPORT if person == star
                                        else OTHERS_REPORT})
    return plan.pk


def plan_cadre_ids(plan_id: int) -> list[int]:
    from pacesetter.assessment.models import PlanUnit

    return list(PlanUnit.objects.filter(plan_id=plan_id).values_list("person_id", flat=True))


def grade(phone: Page, person_id: int, overall: str, dimensions: str) -> None:
    """Tick a cadre's overall grade and the same grade on every dimension."""
    cadre = phone.locator(f"#cadre-{person_id}")
    for k in range(DIMENSIONS):
        cadre.locator(f"input[name='dim-{person_id}-{k}'][value='{dimensions}']").check()
    cadre.locator(f"input[name='grade-{person_id}'][value='{overall}']").check()


def message(page: Page):
    return page.locator("li.message")


def test_a_year_end_appraisal_with_a_rater_panel_on_a_phone_ends_in_an_audited_profile(
        page, phone_page, live_server, demo, tmp_path: Path):
    from pacesetter.cadres.models import Appraisal, Rating

    base = live_server.url
    star, head = the_cadres()
    a_published_index()
    plan_id = an_open_appraisal_plan()
    appraisal_url = f"{base}/cadres/plans/{plan_id}/appraisal/"

    # the organizer sets up the appraisal: the default grades and dimensions, 优秀 at most 15%
    # rounded to the nearest, the superiors' panel filling 上级评价
    login(page, base, ORGANIZER, demo.password)
    page.goto(appraisal_url)
    expect(page.locator("h2", has_text="设置考评")).to_be_visible()
    page.select_option("#appraisal-form select[name=quota_rounding]", "half_up")
    page.select_option("#appraisal-form select[name=source_superior]", "SJPJ")
    page.click("#appraisal-form button[type=submit]")
    expect(message(page)).to_contain_text("已保存")
    appraisal = Appraisal.objects.get(plan_id=plan_id)
    assert (appraisal.quotas, appraisal.quota_rounding, appraisal.sources) == (
        {"优秀": 0.15}, "half_up", {"superior": "SJPJ"})
    expect(page.locator("#appraisal-status")).to_have_text("准备中")

    # issues codes to two of Harbin's leaders, shown once, and opens rating
    issue = page.locator("form[action$='/appraisal/raters/']")
    issue.locator("select[name=role]").select_option("superior")
    issue.locator("input[name=unit_code]").fill(PANEL_UNIT)
    issue.locator("textarea[name=names]").fill(f"{RATER}\n{OTHER_RATER}")
    issue.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("一次性答卷码")
    expect(page.locator("#codes tbody tr")).to_have_count(2)
    code = page.locator("#codes tbody tr", has_text=RATER).locator("code").inner_text()
    assert re.fullmatch(r"[2-9A-Z]{8}", code), code
    page.goto(appraisal_url)
    page.click("#open-rating")
    expect(message(page)).to_contain_text("测评已开始")
    expect(page.locator("#appraisal-status")).to_have_text("测评中")

    # the rater opens the ballot on a phone with the code: six cadres, at most one 优秀
    phone_page.goto(f"{base}/rate/")
    phone_page.fill("#id_code", code.lower())  # typed as it comes, the case does not matter
    phone_page.click("#code-form button[type=submit]")
    expect(phone_page.locator("h1")).to_have_text(APPRAISAL)
    expect(phone_page.locator("#ballot-form fieldset.section")).to_have_count(6)
    expect(phone_page.locator("#quota-note")).to_contain_text("6 名干部中最多 1 名可评为“优秀”")

    # grades two of them 优秀: refused with the quota in words, nothing saved, choices kept
    cadre_ids = [int(i.removeprefix("cadre-")) for i in phone_page.locator(
        "#ballot-form fieldset.section").evaluate_all("nodes => nodes.map(n => n.id)")]
    assert sorted(cadre_ids) == sorted(plan_cadre_ids(plan_id))
    for person_id in cadre_ids:
        if person_id == star.pk:
            grade(phone_page, person_id, "优秀", "优秀")
        else:
            grade(phone_page, person_id, "优秀" if person_id == head.pk else "称职", "称职")
    phone_page.click("#submit-button")
    expect(phone_page.locator("#form-message")).to_contain_text(
        "最多 1 名可评为“优秀”，您评了 2 名")
    assert not Rating.objects.exists()
    expect(phone_page.locator(f"input[name='grade-{head.pk}'][value='优秀']")).to_be_checked()
    phone_page.screenshot(path=str(tmp_path / "ballot-over-quota.png"), full_page=True)

    # with the county head graded 称职 the ballot is taken, and the code is spent
    phone_page.locator(f"input[name='grade-{head.pk}'][value='称职']").check()
    phone_page.click("#submit-button")
    expect(phone_page.locator("#ballot-done h1")).to_have_text("感谢参与")
    assert dict(Rating.objects.values_list("person_id", "grade")) == {
        pid: "优秀" if pid == star.pk else "称职" for pid in cadre_ids}
    phone_page.screenshot(path=str(tmp_path / "ballot-done.png"), full_page=True)
    phone_page.goto(f"{base}/rate/")
    phone_page.fill("#id_code", code)
    phone_page.click("#code-form button[type=submit]")
    expect(phone_page.locator("#code-form .error")).to_have_text("此测评码已经投过票。")

    # the organizer sees one ballot of two in, closes rating and writes the scores into the plan
    page.reload()
    panel = page.locator("#panel-progress .card", has_text="上级")
    expect(panel.locator(".card-number")).to_have_text(re.compile(r"^1\s*/\s*2$"))
    expect(page.locator("#raters tbody tr", has_text=OTHER_RATER).locator("td").last
           ).to_have_text("—")
    page.click("#close-rating")
    expect(message(page)).to_contain_text("测评已结束")
    expect(page.locator(f"#sources tr[data-person='{star.pk}']")).to_contain_text("95.00")
    expect(page.locator(f"#sources tr[data-person='{head.pk}']")).to_contain_text("80.00")
    page.click("#fill-sources")
    expect(message(page)).to_have_text("已向方案写入 6 项数据。")
    page.screenshot(path=str(tmp_path / "appraisal.png"), full_page=True)

    # scores and publishes the plan on its page
    page.goto(f"{base}/assessment/{plan_id}/")
    page.click("form[action$='/score/'] button")
    expect(message(page)).to_be_visible()
    page.fill("form[action$='/publish/'] input[name=reason]", "2026年度考核结果")
    page.click("form[action$='/publish/'] button")
    expect(page.locator("h1 .tag")).to_have_text(re.compile("已发布"))

    # the star's profile, opened from the appraisal: the result on the red list, the panel's
    # grades, the promotion review the index called for and the index's trend drawn
    page.goto(appraisal_url)
    page.locator(f"#sources tr[data-person='{star.pk}'] a").click()
    expect(page).to_have_url(f"{base}/cadres/people/{star.pk}/")
    expect(page.locator("#read-notice")).to_contain_text("本次查阅已记入审计日志")
    expect(page.locator("h1")).to_contain_text(star.name)
    expect(page.locator("#fact-results")).to_have_text("2")
    result = page.locator("#profile-results tbody tr", has_text=APPRAISAL)
    expect(result.locator("td")).to_have_text(
        [APPRAISAL, "2026年", STAR_TOTAL, re.compile(r"^1\s+县委书记$"), "红榜"])
    expect(page.locator("#profile-results tbody tr", has_text=INDEX).locator("td").nth(2)
           ).to_have_text("97.20")
    expect(page.locator(".appraisal-summary")).to_contain_text("上级 1")
    expect(page.locator(".appraisal-summary")).to_contain_text("优秀 1、称职 0")
    expect(page.locator("#achievements")).to_contain_text(f"列入《{APPRAISAL}》红榜，第 1 名")
    expect(page.locator(".follow-ups tbody tr")).to_contain_text(["列入优先提拔使用人选"])
    # the follow-up's own status word, not the notifications' link "查看"
    expect(page.locator("#timeline li", has_text="列入优先提拔使用人选")).to_contain_text("待落实")
    chart = page.locator("#index-chart")
    expect(chart.locator("canvas, svg").first).to_be_visible()
    assert chart.evaluate(DRAWN) == {"labels": ["2026年第3季度"], "values": [97.2],
                                     "edges": [60, 95]}
    page.screenshot(path=str(tmp_path / "profile.png"), full_page=True)

    # and the audit log shows the reading, by whom and of whom
    page.goto(f"{base}/audit/")
    page.fill("#audit-filter input[name=actor]", ORGANIZER)
    page.select_option("#audit-filter select[name=object_type]", "orgs.person")
    page.click("#audit-filter button[type=submit]")
    reads = page.locator("#audit-entries tbody tr")  # one row, the reading
    expect(reads.locator("td")).to_have_text(
        [re.compile(r"\d{4}-\d\d-\d\d"), ORGANIZER, "查阅",
         re.compile(rf"^{re.escape(star.name)}.*#{star.pk}\s*查阅干部档案$", re.S), ""])
