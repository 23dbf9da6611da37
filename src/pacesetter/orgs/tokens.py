"""API tokens: issued once in clear, stored as a SHA-256 digest, revocable."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from pacesetter.orgs.models import ApiToken, User

TOKEN_PREFIX = "ps_"  # noqa: S105 - a marker, not a secret
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for ``user``; the clear text is returned here and never again."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10], digest=_digest(raw))
    return token, raw


@transaction.atomic
def tokens_revoke(*, user: User, prefix: str = "") -> int:
    """Revoke the user's live tokens (those starting with ``prefix``, or all); returns how many."""
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if prefix:
        tokens = tokens.filter(prefix__startswith=prefix[:10])
    return tokens.update(revoked_at=timezone.now())


def token_user(raw: str) -> Any:
    """The active user a live token belongs to, or None. Notes the use at most every 5 min."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
