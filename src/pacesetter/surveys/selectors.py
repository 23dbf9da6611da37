"""Every read of the surveys, filtered by the caller's scope (see ``access``)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connections, router
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncHour
from django.utils import timezone

from pacesetter.bulk import array_values
from pacesetter.surveys import access
from pacesetter.surveys.models import (
    Campaign,
    Channel,
    Flag,
    Item,
    ItemKind,
    Questionnaire,
    Response,
    Target,
)

CHANNEL_CODES = {value: i for i, value in enumerate(Channel.values)}


def questionnaire_list(*, actor: Any) -> QuerySet[Questionnaire]:
    return access.questionnaires_in_scope(actor).select_related("owner").annotate(
        campaign_count=Count("campaigns", distinct=True)).order_by("owner__path", "code",
                                                                   "-version")


def campaign_list(*, actor: Any) -> QuerySet[Campaign]:
    return access.campaigns_in_scope(actor).select_related("owner", "questionnaire").annotate(
        target_count=Count("targets", distinct=True))


def single_choice_items(questionnaire: Questionnaire) -> list[Item]:
    """The items whose answers are kept as one byte each, in that order."""
    return [item for item in questionnaire.items.select_related("section")
            .prefetch_related("options").order_by("position") if item.is_single_choice]


@dataclass(frozen=True)
class ResponseMatrix:
    """The included responses of a campaign as arrays: the target (row of ``targets``) and
    channel of each, and its single-choice answers (responses × single-choice items; 0 for no
    answer, k for the k-th option)."""

    target_ids: np.ndarray
    channels: np.ndarray
    choices: np.ndarray


def response_matrix(campaign: Campaign, width: int) -> ResponseMatrix:
    """Read every included response of ``campaign`` at once.

    On PostgreSQL the answers come back as one byte string (``string_agg`` of the rows' bytes,
    ``width`` bytes each), the targets and channels as binary ``int4`` arrays in the same row
    order: a million responses are read in about a second, without a Python step per row.
    """
    connection = connections[router.db_for_read(Response)]
    channel_case = " ".join(f"WHEN '{value}' THEN {code}" for value, code in
                            CHANNEL_CODES.items())
    table = connection.ops.quote_name(Response._meta.db_table)
    if connection.vendor == "postgresql":
        import psycopg  # only the PostgreSQL backend has it

        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(
                f"SELECT array_send(array_agg(target_id::int4)), "  # noqa: S608 code's own SQL
                f"array_send(array_agg(CASE channel {channel_case} ELSE 0 END)), "
                f"string_agg(choices, ''::bytea) FROM {table} "
                f"WHERE campaign_id = %s AND NOT excluded", [campaign.pk], binary=True)
            targets_blob, channels_blob, choices_blob = cursor.fetchone()
        if targets_blob is None:
            return _empty(width)
        return ResponseMatrix(array_values(targets_blob).astype(np.int64),
                              array_values(channels_blob).astype(np.int64),
                              _choices(bytes(choices_blob), width))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT target_id, CASE channel {channel_case} ELSE 0 END, choices "  # noqa: S608
                       f"FROM {table} WHERE campaign_id = %s AND NOT excluded", [campaign.pk])
        rows = cursor.fetchall()
    if not rows:
        return _empty(width)
    return ResponseMatrix(np.array([r[0] for r in rows], dtype=np.int64),
                          np.array([r[1] for r in rows], dtype=np.int64),
                          _choices(b"".join(bytes(r[2]) for r in rows), width))


def _empty(width: int) -> ResponseMatrix:
    return ResponseMatrix(np.zeros(0, np.int64), np.zeros(0, np.int64),
                          np.zeros((0, width), np.uint8))


def _choices(data: bytes, width: int) -> np.ndarray:
    """The rows' answer bytes as a matrix. A row shorter than ``width`` cannot happen (every
    response of a questionnaire has one byte per single-choice item), and is refused."""
    array = np.frombuffer(data, dtype=np.uint8)
    if width == 0:
        return np.zeros((0, 0), np.uint8)
    if array.size % width:
        raise ValueError("answer bytes do not match the questionnaire")
    return array.reshape(-1, width)


def campaign_counts(campaign: Campaign) -> dict[str, int]:
    """Responses received, included, excluded and flagged."""
    return Response.objects.filter(campaign=campaign).aggregate(
        total=Count("pk"), excluded=Count("pk", filter=Q(excluded=True)),
        flagged=Count("pk", filter=~Q(flags=0)))


def target_counts(campaign: Campaign) -> dict[int, int]:
    """Included responses per target."""
    return dict(Response.objects.filter(campaign=campaign, excluded=False)
                .values_list("target_id").annotate(n=Count("pk")).values_list("target_id", "n"))


def responses_per_hour(campaign: Campaign) -> list[tuple[datetime.datetime, int]]:
    """Responses per hour of the campaign so far, in local time, hours without any included."""
    rows = (Response.objects.filter(campaign=campaign)
            .annotate(hour=TruncHour("submitted_at", tzinfo=timezone.get_current_timezone()))
            .values_list("hour").annotate(n=Count("pk")).order_by("hour")
            .values_list("hour", "n"))
    counts = dict(rows)
    if not counts:
        return []
    hour = min(counts)
    last = max(counts)
    series = []
    while hour <= last and len(series) < 24 * 62:
        series.append((hour, counts.get(hour, 0)))
        hour += datetime.timedelta(hours=1)
    return series


def flagged_responses(*, actor: Any, campaign: Campaign, flag: int | None = None,
                      target: Target | None = None) -> QuerySet[Response]:
    """Responses with integrity flags, for review, within the targets the actor sees."""
    rows = Response.objects.filter(campaign=campaign).exclude(flags=0).filter(
        target__in=access.visible_targets(actor, campaign))
    if flag:
        rows = rows.annotate(hit=F("flags").bitand(flag)).filter(hit__gt=0)
    if target is not None:
        rows = rows.filter(target=target)
    return rows.select_related("target__unit").order_by("target__unit__path", "submitted_at")


def flag_labels(flags: int) -> list[str]:
    return [str(flag.label) for flag in Flag if flags & flag.value]


def text_answers(*, actor: Any, campaign: Campaign, item: Item, limit: int = 2000
                 ) -> tuple[list[tuple[str, str, datetime.datetime]], int]:
    """The latest free-text answers to ``item`` (unit name, text, time) within the actor's
    targets, and how many there are in all."""
    rows = (Response.objects.filter(campaign=campaign, excluded=False,
                                    target__in=access.visible_targets(actor, campaign))
            .filter(extra__has_key=item.code))
    total = rows.count()
    latest = rows.order_by("-submitted_at").values_list("target__unit__name", "extra",
                                                        "submitted_at")[:limit]
    return [(unit, str(extra.get(item.code, "")), at) for unit, extra, at in latest], total


STOPWORDS = frozenset("""
的 了 和 是 在 我 有 也 就 都 而 及 与 着 或 一个 没有 我们
你们 他们 这个 那个 这些 那些 什么 怎么 还是 还有 对于 以及 但是
因为 所以 如果 希望 建议 进一步 工作 问题 能够 可以 一些 比较 非常
加强 提高 更加 不够 需要 应该 目前 现在 方面 情况 一下 有些 自己
已经 还要
""".split())  # noqa: SIM905 a list of words reads better as text


def keyword_counts(texts: list[str], top: int = 30) -> list[tuple[str, int]]:
    """How many answers use each word, the ``top`` most used: Chinese text is segmented into
    words by jieba; single characters and common function words are left out."""
    import jieba  # loads its dictionary on first use, about a second: only when asked

    counts: Counter[str] = Counter()
    for text in texts:
        words = {w.strip() for w in jieba.lcut(text)}
        counts.update(w for w in words if len(w) >= 2 and w not in STOPWORDS
                      and not w.isdigit())
    return counts.most_common(top)


def text_items(questionnaire: Questionnaire) -> list[Item]:
    return list(questionnaire.items.filter(kind=ItemKind.TEXT).order_by("position"))


@dataclass(frozen=True)
class IntegrityColumns:
    ids: np.ndarray
    targets: np.ndarray
    networks: np.ndarray
    seconds: np.ndarray
    durations: np.ndarray
    flags: np.ndarray
    choices: np.ndarray


def integrity_columns(campaign: Campaign, width: int) -> IntegrityColumns:
    """Every response of ``campaign`` (excluded ones too) as arrays, in one row order.

    On PostgreSQL, like ``response_matrix``, one row of binary arrays and the answers as one
    byte string: a million responses in about a second, where reading them as rows took ten
    (most of it making a datetime of each time, to take its timestamp again)."""
    connection = connections[router.db_for_read(Response)]
    if connection.vendor != "postgresql":
        return _integrity_rows(campaign, width)
    import psycopg  # only the PostgreSQL backend has it

    table = connection.ops.quote_name(Response._meta.db_table)
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            f"SELECT array_send(array_agg(id::int8)), "  # noqa: S608 code's own SQL
            "array_send(array_agg(target_id::int4)), array_send(array_agg(network_key::int4)), "
            "array_send(array_agg(extract(epoch FROM submitted_at)::float8)), "
            "array_send(array_agg(coalesce(duration, -1)::int4)), "
            "array_send(array_agg(flags::int4)), string_agg(choices, ''::bytea) "
            f"FROM {table} WHERE campaign_id = %s", [campaign.pk], binary=True)
        blobs = cursor.fetchone()
    if blobs[0] is None:
        return _integrity_arrays([[] for _n in range(6)], b"", width)
    return _integrity_arrays([array_values(blob) for blob in blobs[:6]], bytes(blobs[6]), width)


def _integrity_rows(campaign: Campaign, width: int) -> IntegrityColumns:
    rows = Response.objects.filter(campaign=campaign).order_by("pk").values_list(
        "pk", "target_id", "network_key", "submitted_at", "duration", "flags", "choices")
    columns: list[list[Any]] = [[] for _n in range(6)]
    ids, targets, networks, seconds, durations, flags = columns
    blobs = []
    for pk, target, network, at, duration, flag, choices in rows.iterator(chunk_size=20_000):
        ids.append(pk)
        targets.append(target)
        networks.append(network)
        seconds.append(at.timestamp())
        durations.append(-1 if duration is None else duration)
        flags.append(flag)
        blobs.append(bytes(choices))
    return _integrity_arrays(columns, b"".join(blobs), width)


def _integrity_arrays(columns: list[Any], choices: bytes, width: int) -> IntegrityColumns:
    ids, targets, networks, seconds, durations, flags = columns
    return IntegrityColumns(
        np.asarray(ids, dtype=np.int64), np.asarray(targets, dtype=np.int64),
        np.asarray(networks, dtype=np.int64), np.asarray(seconds, dtype=np.float64),
        np.asarray(durations, dtype=np.int64), np.asarray(flags, dtype=np.int64),
        _choices(choices, width) if width else np.zeros((len(ids), 0), np.uint8))


def results_for(*, actor: Any, campaign: Campaign, data: dict[str, Any]) -> dict[str, Any]:
    """Computed results with only the target rows the actor may see (ranks stay those of the
    whole ranking)."""
    visible = set(access.visible_targets(actor, campaign).values_list("pk", flat=True))
    return {**data, "targets": [row for row in data["targets"] if row["target_id"] in visible]}


def questionnaire_for_answering(questionnaire_id: int) -> Questionnaire:
    return Questionnaire.objects.get(pk=questionnaire_id)


def answered_from_device(target_id: int, device_key: str) -> bool:
    """Whether this browser (its device cookie's keyed hash) has answered about this unit, so
    the page can say so before the respondent fills it in again."""
    return Response.objects.filter(target_id=target_id, device_key=device_key).exists()


def questionnaire_outline(questionnaire: Questionnaire) -> list[dict[str, Any]]:
    """The questionnaire as the builder shows it, in the answering page's order: the items
    before the aspects, every aspect (empty ones too) with its items and its weight's share of
    all the aspects' weights in percent, then the items after the aspects. ``group`` is what
    the builder's add form posts as the section: an aspect's code, "" or "~" (before, after)."""
    sections = list(questionnaire.sections.all())
    items = list(questionnaire.items.prefetch_related("options").order_by("position"))
    opening, closing = _loose_items(items)
    total = sum(s.weight for s in sections)
    outline: list[dict[str, Any]] = [
        {"section": None, "group": "", "items": opening, "share": None}]
    for section in sections:
        outline.append({"section": section, "group": section.code,
                        "items": [i for i in items if i.section_id == section.pk],
                        "share": 100 * section.weight / total if total else None})
    if sections:
        outline.append({"section": None, "group": "~", "items": closing, "share": None})
    return outline


def _loose_items(items: list[Item]) -> tuple[list[Item], list[Item]]:
    """Items outside any section stand where the author put them: those before the first
    sectioned item open the questionnaire, the others (a closing "any other remarks?") end
    it."""
    first = min((i.position for i in items if i.section_id is not None), default=None)
    loose = [i for i in items if i.section_id is None]
    return ([i for i in loose if first is None or i.position < first],
            [i for i in loose if first is not None and i.position > first])


def answering_sections(questionnaire: Questionnaire) -> list[dict[str, Any]]:
    """The questionnaire as the answering page shows it: its sections in order, each with its
    items and their options, between the items outside any section that open and close it."""
    sections = list(questionnaire.sections.all())
    items = list(questionnaire.items.prefetch_related("options").order_by("position"))
    opening, closing = _loose_items(items)
    pages = [{"title": "", "items": opening}]
    for section in sections:
        pages.append({"title": section.title,
                      "items": [i for i in items if i.section_id == section.pk]})
    pages.append({"title": "", "items": closing})
    return [page for page in pages if page["items"]]


def results_chart(data: dict[str, Any]) -> dict[str, Any]:
    """What the results charts draw: per ranking group, the units from the lowest index up with
    their intervals and bottom-N flags; and the units × aspects heatmap."""
    groups = {}
    for row in data["targets"]:
        if row["index"] is None:
            continue
        groups.setdefault(row["group"], []).append(row)
    ranking = []
    for name, rows in sorted(groups.items()):
        rows.sort(key=lambda r: r["index"])
        ranking.append({"group": name, "units": [r["unit_name"] for r in rows],
                        "index": [r["index"] for r in rows],
                        "low": [r["low"] for r in rows], "high": [r["high"] for r in rows],
                        "bottom": [r["bottom"] for r in rows],
                        "significant": [r["significant"] for r in rows]})
    ordered = sorted((r for r in data["targets"] if r["index"] is not None),
                     key=lambda r: (r["group"], -(r["index"] or 0)))
    return {"ranking": ranking,
            "heatmap": {"units": [r["unit_name"] for r in ordered],
                        "aspects": [a["title"] for a in data["aspects"]],
                        "values": [[j, i, r["aspects"][j]] for i, r in enumerate(ordered)
                                   for j in range(len(data["aspects"]))
                                   if r["aspects"][j] is not None]}}
