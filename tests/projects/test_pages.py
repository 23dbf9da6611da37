"""The project page shows the plan with its derived health, milestone states and lateness."""

import datetime

from django.utils import timezone

from pacesetter.projects import services


def test_the_project_page_shows_derived_states_and_a_late_report(client, running, reporter):
    services.progress_report(actor=reporter, project=running, text="完成方案",
                             reported_at=timezone.now() - datetime.timedelta(days=10))
    client.force_login(reporter)
    page = client.get(f"/projects/{running.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "红色物业" in text
    assert 'id="project-health">有风险' in text  # 全面推开 due in 5 days at 0%
    assert 'class="milestone-done"' in text and 'class="milestone-at_risk"' in text
    assert 'id="report-late"' in text  # weekly cadence, last report 10 days ago
    assert "完成方案" in text
    assert 'id="project-percent">33%' in text


def test_a_project_of_another_county_is_not_found(client, running, outsider):
    client.force_login(outsider)
    assert client.get(f"/projects/{running.pk}/").status_code == 404
