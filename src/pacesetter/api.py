"""The HTTP API at /api/v1: mounts each app's router and turns errors into clear 4xx answers.

Every error answer has the same shape: ``{"detail": message, "errors": [...]}``, where each
error names a ``field`` (or a ``row`` and ``column``) and a ``message`` in the caller's language.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from pacesetter.assessment.api import router as assessment_router
from pacesetter.cadres.api import public_router as public_ballots_router
from pacesetter.cadres.api import router as cadres_router
from pacesetter.errors import ApplicationError
from pacesetter.orgs.api import router as orgs_router
from pacesetter.orgs.tokens import token_user
from pacesetter.projects.api import public_router as public_judges_router
from pacesetter.projects.api import router as projects_router
from pacesetter.supervision.api import router as supervision_router
from pacesetter.surveys.api import public_router as public_surveys_router
from pacesetter.surveys.api import router as surveys_router
from pacesetter.validation_messages import pydantic_error_message


class BearerToken(HttpBearer):
    """``Authorization: Bearer TOKEN`` with a token from ``pacesetter issue_token``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Pacesetter API",
    version="1",
    description="标杆 Pacesetter: units, people and the performance work built on them.",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)
api.add_router("/public", public_surveys_router)  # first: the busiest path, matched first
api.add_router("/", orgs_router)
api.add_router("/assessment", assessment_router)
api.add_router("/surveys", surveys_router)
api.add_router("/projects", projects_router)
api.add_router("/supervision", supervision_router)
api.add_router("/public/judges", public_judges_router)
api.add_router("/cadres", cadres_router)
api.add_router("/public/cadre", public_ballots_router)


def _answer(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return _answer(request, exc.status_code, exc.message, **exc.extra)


REQUEST_PARTS = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})
HANDLER_ARGUMENTS = frozenset({"payload", "filters"})


def _field_name(loc: tuple[Any, ...]) -> str:
    """``("body", "payload", "code")`` → ``"code"``: the name the client sent."""
    parts = list(loc)
    if parts and parts[0] in REQUEST_PARTS:
        parts = parts[1:]
    if parts and parts[0] in HANDLER_ARGUMENTS:
        parts = parts[1:]
    return ".".join(str(part) for part in parts)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": _field_name(error.get("loc", ())),
            "message": pydantic_error_message(error),
            "type": error.get("type", ""),
        }
        for error in exc.errors
    ]
    return _answer(request, 422, _("Please correct the errors below."), errors=errors)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _answer(request, 401, _("Log in or send a valid API token."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        return _answer(request, 400, _("The request body is not valid JSON."))
    return _answer(request, exc.status_code, str(exc))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _answer(request, 404, _("Not found."))
