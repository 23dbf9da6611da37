"""The demo province: Heilongjiang's real divisions, generated townships, branches and people.

The 13 prefecture-level units and their county-level units come with their official codes and
coordinates from ``fixtures/heilongjiang.csv``; townships, branches and people are generated
from a fixed seed, so every load gives the same province. Units go in through the same import
service as an uploaded workbook, people with one bulk insert, and both are audited.
"""

from __future__ import annotations

import csv
import datetime
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from pacesetter.audit.models import AuditAction
from pacesetter.audit.services import Change, entries_record, entry_record, snapshot
from pacesetter.orgs import services
from pacesetter.orgs.imports import units_import
from pacesetter.orgs.models import Gender, Person, Role, Unit, UnitKind, User
from pacesetter.orgs.spreadsheets import UnitRow

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "heilongjiang.csv"
PROVINCE_CODE = "230000"
DEMO_PASSWORD = "Biaogan-2026"  # noqa: S105 - printed for the demo; the demo is local only
SEED = 2011

GROUP_CITIES = "市地"
GROUP_COUNTIES = "县(市)"
GROUP_DISTRICTS = "市辖区"
GROUP_TOWNSHIPS = "乡镇(街道)"
GROUP_BRANCHES = "村(社区)党支部"

PLACE_SYLLABLES = (
    "兴安永和新丰红星东升向阳长青太平富民胜利前进光明建华福山金河松花北林宝泉双龙庆祥德隆裕"
    "主团结共荣友谊五四联合"
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐于董冯"
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰志国红建文斌宇鑫博欣悦晨"
POSITIONS = ("书记", "副书记", "组织委员", "宣传委员", "纪检委员", "党员", "党员")
#: The leading cadres of every county and county-level city (group 县(市)), whom the cadre
#: assessment appraises: seed 001's 县委书记 and 县长.
COUNTY_LEADERS = ("县委书记", "县长")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit_code: str
    note: str


DEMO_LOGINS = (
    DemoLogin("admin", Role.SYSTEM_ADMIN, PROVINCE_CODE, "系统管理员 · 全省"),
    DemoLogin("sheng", Role.ORG_ADMIN, PROVINCE_CODE, "省委组织部管理员 · 全省"),
    DemoLogin("haerbin", Role.ORG_ADMIN, "230100", "哈尔滨市委组织部管理员"),
    DemoLogin("yilan", Role.ORG_ADMIN, "230123", "依兰县委组织部管理员 · 仅见依兰县"),
    DemoLogin("yilan_tianbao", Role.REPORTER, "230123", "依兰县填报员 · 只填本县数据"),
    DemoLogin("pingwei", Role.REVIEWER, PROVINCE_CODE, "评委 · 全省"),
    DemoLogin("ducha", Role.INSPECTOR, "230100", "哈尔滨市督查员"),
    DemoLogin("dangyuan", Role.MEMBER, "230123001001", "党员 · 只见本人"),
)


def fixture_rows() -> list[dict[str, str]]:
    with FIXTURE.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines))


def _peer_group(code: str, parent_code: str) -> str:
    if parent_code == PROVINCE_CODE:
        return GROUP_CITIES
    return GROUP_DISTRICTS if int(code[4:]) < 21 else GROUP_COUNTIES


def _place_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = rng.choice(PLACE_SYLLABLES) + rng.choice(PLACE_SYLLABLES)
        if name not in taken and name[0] != name[1]:
            taken.add(name)
            return name


def unit_rows(*, townships_per_county: int = 6, branches_per_township: int = 6) -> list[UnitRow]:
    """The province below its root as import rows: real cities and counties, generated the rest."""
    rng = random.Random(SEED)
    rows: list[UnitRow] = []
    counties: list[dict[str, str]] = []
    for item in fixture_rows():
        if item["code"] == PROVINCE_CODE:
            continue
        rows.append(UnitRow(
            number=len(rows) + 2, code=item["code"], name=item["name"],
            parent_code=item["parent_code"], kind=UnitKind.PARTY_COMMITTEE,
            groups=_peer_group(item["code"], item["parent_code"]),
            longitude=item["longitude"], latitude=item["latitude"],
        ))
        if item["parent_code"] != PROVINCE_CODE:
            counties.append(item)
    for county in counties:
        is_district = int(county["code"][4:]) < 21
        taken: set[str] = set()
        for t in range(1, townships_per_county + 1):
            town_code = f"{county['code']}{t:03d}"
            suffix = "街道" if is_district else rng.choice(("镇", "镇", "乡"))
            town_name = _place_name(rng, taken) + suffix
            rows.append(UnitRow(number=len(rows) + 2, code=town_code, name=town_name,
                                parent_code=county["code"], kind=UnitKind.TOWNSHIP,
                                groups=GROUP_TOWNSHIPS))
            village_names: set[str] = set()
            for b in range(1, branches_per_township + 1):
                place = _place_name(rng, village_names) + ("社区" if is_district else "村")
                rows.append(UnitRow(number=len(rows) + 2, code=f"{town_code}{b:03d}",
                                    name=f"{place}党支部", parent_code=town_code,
                                    kind=UnitKind.BRANCH, groups=GROUP_BRANCHES))
    return rows


def _people_for(unit: Unit, rng: random.Random, count: int) -> list[Person]:
    people = []
    for i in range(count):
        gender = rng.choice((Gender.MALE, Gender.FEMALE))
        age_days = rng.randint(22 * 365, 70 * 365)
        people.append(Person(
            unit=unit,
            name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
            gender=gender,
            birth_date=datetime.date(2026, 7, 1) - datetime.timedelta(days=age_days),
            position=POSITIONS[i] if i < len(POSITIONS) else "党员",
            is_party_member=True,
            phone=f"1{rng.choice('35789')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
        ))
    return people


def load_people(*, per_unit: int = 3) -> int:
    """Add ``per_unit`` people to every unit of the province that has none; audited in bulk."""
    rng = random.Random(SEED + 1)
    staffed = set(Person.objects.values_list("unit_id", flat=True).distinct())
    people: list[Person] = []
    for unit in Unit.objects.filter(path__startswith=f"/{PROVINCE_CODE}/").order_by("path"):
        if unit.pk not in staffed:
            people.extend(_people_for(unit, rng, per_unit))
    Person.objects.bulk_create(people, batch_size=2000)
    paths = dict(Unit.objects.values_list("pk", "path"))
    entries_record(
        actor=None,
        changes=[Change(obj=p, action=AuditAction.CREATE, unit_path=paths[p.unit_id],
                        after=snapshot(p, services.PERSON_AUDIT_FIELDS)) for p in people],
        note="演示数据",
    )
    return len(people)


def load_county_leaders() -> int:
    """Give every county of group 县(市) its party secretary and county head, once each;
    audited in bulk. Returns how many were added."""
    rng = random.Random(SEED + 2)
    counties = Unit.objects.filter(path__startswith=f"/{PROVINCE_CODE}/",
                                   peer_groups__name=GROUP_COUNTIES).order_by("code")
    held = set(Person.objects.filter(unit__in=counties, position__in=COUNTY_LEADERS)
               .values_list("unit_id", "position"))
    leaders = []
    for county in counties:
        for position in COUNTY_LEADERS:
            if (county.pk, position) in held:
                continue
            leader = _people_for(county, rng, 1)[0]
            leader.position = position
            leader.birth_date = datetime.date(rng.randint(1966, 1980), rng.randint(1, 12), 1)
            leaders.append(leader)
    Person.objects.bulk_create(leaders)
    entries_record(
        actor=None,
        changes=[Change(obj=p, action=AuditAction.CREATE, unit_path=p.unit.path,
                        after=snapshot(p, services.PERSON_AUDIT_FIELDS)) for p in leaders],
        note="演示数据",
    )
    return len(leaders)


def _ensure_root() -> Unit:
    root = Unit.objects.filter(code=PROVINCE_CODE).first()
    if root is not None:
        return root
    province = next(r for r in fixture_rows() if r["code"] == PROVINCE_CODE)
    root = Unit.objects.create(
        code=PROVINCE_CODE, name=province["name"], kind=UnitKind.PARTY_COMMITTEE, level=1,
        path=f"/{PROVINCE_CODE}/", longitude=province["longitude"],
        latitude=province["latitude"],
    )
    entry_record(actor=None, obj=root, action=AuditAction.CREATE, unit_path=root.path,
                 after=snapshot(root, services.UNIT_AUDIT_FIELDS), note="演示数据")
    return root


def _ensure_user(login: DemoLogin, person: Person | None) -> User:
    user = User.objects.filter(username=login.username).first()
    if user is None:
        user = User(username=login.username, first_name=login.note.split(" · ")[0])
        user.set_password(DEMO_PASSWORD)
        user.person = person
        user.is_staff = login.role == Role.SYSTEM_ADMIN
        user.save()
    return user


@transaction.atomic
def load(*, townships_per_county: int = 6, branches_per_township: int = 6,
         people_per_unit: int = 3) -> dict[str, Any]:
    """Load the demo province; loading again adds nothing and changes nothing."""
    _ensure_root()
    admin = _ensure_user(DEMO_LOGINS[0], None)
    services.role_grant_create(actor=None, user=admin, role=Role.SYSTEM_ADMIN,
                               unit=Unit.objects.get(code=PROVINCE_CODE))
    result = units_import(actor=admin, rows=unit_rows(
        townships_per_county=townships_per_county,
        branches_per_township=branches_per_township,
    ), note="演示数据")
    people = load_people(per_unit=people_per_unit) + load_county_leaders()
    for login in DEMO_LOGINS[1:]:
        unit = Unit.objects.get(code=login.unit_code)
        person = (Person.objects.filter(unit=unit).order_by("pk").first()
                  if login.role == Role.MEMBER else None)
        user = _ensure_user(login, person)
        services.role_grant_create(actor=admin, user=user, role=login.role, unit=unit)
    return {"units_created": result.created, "people_created": people}
