"""Factories that keep units, people, users and grants consistent with each other."""

from __future__ import annotations

import factory

from pacesetter.orgs.models import Gender, Person, Role, RoleGrant, Unit, UnitKind, User


class UnitFactory(factory.django.DjangoModelFactory):
    """A unit under ``parent`` (a root when none), with its path and level derived."""

    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"单位{n}")
    kind = UnitKind.PARTY_COMMITTEE
    parent = None
    level = factory.LazyAttribute(lambda o: o.parent.level + 1 if o.parent else 1)
    path = factory.LazyAttribute(
        lambda o: f"{o.parent.path if o.parent else '/'}{o.code}/"
    )


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"党员{n}")
    gender = Gender.FEMALE
    unit = factory.SubFactory(UnitFactory)
    position = "党员"
    phone = factory.Sequence(lambda n: f"138{n:08d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "Correct-Horse-42")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(role: str, unit: Unit, **kwargs) -> User:
    """A user holding ``role`` over ``unit``."""
    user = UserFactory(**kwargs)
    RoleGrant.objects.create(user=user, role=role, unit=unit)
    return user


__all__ = ["PersonFactory", "Role", "UnitFactory", "UserFactory", "user_with_role"]
