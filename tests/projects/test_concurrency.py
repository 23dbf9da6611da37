"""Judges scoring at the same moment lose nothing: seven judges, each on their own database
connection, score three projects in parallel, several times over."""

import datetime
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from pacesetter.projects import services
from pacesetter.projects.models import PresentationState, Score
from pacesetter.projects.services import JudgeData, ProjectData

RUBRIC = [{"code": "innovation", "name": "创新性", "max": 50},
          {"code": "effect", "name": "实效性", "max": 50}]


ON_POSTGRESQL_ONLY = pytest.mark.skipif(connection.vendor == "sqlite", reason=(
    "SQLite's in-memory test database shares one cache with table locks, which refuses "
    "concurrent writers at once; the embedded file database waits for them (IMMEDIATE "
    "transactions, 20 s timeout). CI runs this on PostgreSQL."))


def _open_panel(tree, province_admin):
    """Seven judges and three presentations, all open for scoring."""
    portfolio = services.portfolio_create(actor=province_admin, owner=tree.province,
                                          title="创新年", year=2026)
    projects = [services.project_create(actor=province_admin, portfolio=portfolio,
                                        data=ProjectData(f"项目{n}", lead_unit=tree.county_b))
                for n in range(3)]
    for project in projects:
        for step in ("submit", "approve"):
            services.project_step(actor=province_admin, project=project, step=step)
    roadshow = services.roadshow_create(actor=province_admin, owner=tree.province,
                                        title="路演", held_on=datetime.date.today(),
                                        criteria=RUBRIC)
    judges = services.judges_add(actor=province_admin, roadshow=roadshow,
                                 judges=[JudgeData(f"评委{n}") for n in range(7)])
    presentations = services.presentations_set(actor=province_admin, roadshow=roadshow,
                                               projects=projects)
    for presentation in presentations:
        services.presentation_move(actor=province_admin, presentation=presentation,
                                   state=PresentationState.OPEN)
    return judges, presentations


@ON_POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_parallel_scores_of_all_judges_are_all_kept(tree, province_admin):
    judges, presentations = _open_panel(tree, province_admin)

    def score_all(judge_index: int) -> int:
        judge = judges[judge_index]
        try:
            for round_ in range(4):
                for presentation in presentations:
                    services.score_submit(
                        judge=judge, presentation_id=presentation.pk,
                        points={"innovation": 40 + judge_index, "effect": 30 + round_})
            return judge_index
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=7) as pool:
        done = sorted(pool.map(score_all, range(7)))

    assert done == list(range(7))
    scores = Score.objects.all()
    assert scores.count() == 7 * 3
    assert {(s.judge.name, s.total) for s in scores.select_related("judge")} == {
        (f"评委{n}", 40 + n + 33) for n in range(7)}


@ON_POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_parallel_scores_through_the_judges_api_are_all_kept(tree, province_admin):
    """The same through HTTP: each judge's phone posts to the public scoring endpoint."""
    judges, presentations = _open_panel(tree, province_admin)

    def score_all(judge_index: int) -> list[int]:
        phone = Client()
        url = f"/api/v1/public/judges/{judges[judge_index].token}/scores"
        try:
            return [phone.post(url, json.dumps({
                "presentation_id": presentation.pk,
                "points": {"innovation": 40 + judge_index, "effect": 30 + round_}}),
                content_type="application/json").status_code
                for round_ in range(4) for presentation in presentations]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=7) as pool:
        statuses = list(pool.map(score_all, range(7)))

    assert statuses == [[200] * 12] * 7
    scores = Score.objects.select_related("judge")
    assert scores.count() == 7 * 3
    assert {(s.judge.name, s.total) for s in scores} == {
        (f"评委{n}", 40 + n + 33) for n in range(7)}
