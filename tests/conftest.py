"""The cast every test can use: a small province, and people who act in it.

    province P
    ├── city C1
    │   ├── county A  ── township A1 ── branch A1a
    │   └── county B
    └── city C2

Personas: ``province_admin`` (org admin of P), ``county_admin`` (org admin of A),
``outsider`` (org admin of county B: same city, other subtree), ``reporter`` (reporter of A),
``member`` (member of branch A1a, linked to a person there), ``sysadmin``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pacesetter.orgs.models import Person, Role, Unit, User
from tests.factories import PersonFactory, UnitFactory, user_with_role


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Serve static files by name in tests: no collectstatic manifest is needed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash passwords with a fast hasher in tests. The production hasher (PBKDF2 with a million
    iterations) takes about half a second a password: creating the users of a test, logging in
    and the demo's logins took most of the suite's time. No test asserts on the hash itself."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root_of_this_worker(settings, tmp_path_factory):
    """Uploaded and exported files go to a directory of this test process, not to
    PACESETTER_HOME, which parallel workers (pytest-xdist) and a developer's demo share. Tests
    that look at the files set a directory of their own on top of this one."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@dataclass
class Province:
    province: Unit
    city1: Unit
    city2: Unit
    county_a: Unit
    county_b: Unit
    township_a1: Unit
    branch_a1a: Unit
    person_a: Person
    person_b: Person
    member_person: Person


@pytest.fixture
def tree(db) -> Province:
    province = UnitFactory(code="370000", name="山东省")
    city1 = UnitFactory(code="370500", name="东营市", parent=province)
    city2 = UnitFactory(code="371100", name="日照市", parent=province)
    county_a = UnitFactory(code="370502", name="东营区", parent=city1)
    county_b = UnitFactory(code="370503", name="河口区", parent=city1)
    township_a1 = UnitFactory(code="370502001", name="文汇街道", parent=county_a, kind="township")
    branch_a1a = UnitFactory(code="370502001001", name="东城社区党支部", parent=township_a1,
                             kind="branch")
    return Province(
        province=province, city1=city1, city2=city2, county_a=county_a, county_b=county_b,
        township_a1=township_a1, branch_a1a=branch_a1a,
        person_a=PersonFactory(unit=county_a, name="张三"),
        person_b=PersonFactory(unit=county_b, name="李四"),
        member_person=PersonFactory(unit=branch_a1a, name="王五"),
    )


@pytest.fixture
def sysadmin(tree) -> User:
    return user_with_role(Role.SYSTEM_ADMIN, tree.province, username="sysadmin")


@pytest.fixture
def province_admin(tree) -> User:
    return user_with_role(Role.ORG_ADMIN, tree.province, username="province_admin")


@pytest.fixture
def county_admin(tree) -> User:
    return user_with_role(Role.ORG_ADMIN, tree.county_a, username="county_admin")


@pytest.fixture
def outsider(tree) -> User:
    return user_with_role(Role.ORG_ADMIN, tree.county_b, username="outsider")


@pytest.fixture
def reporter(tree) -> User:
    return user_with_role(Role.REPORTER, tree.county_a, username="reporter")


@pytest.fixture
def member(tree) -> User:
    return user_with_role(Role.MEMBER, tree.branch_a1a, username="member",
                          person=tree.member_person)
