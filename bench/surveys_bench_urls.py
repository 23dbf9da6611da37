"""The product's URLs plus the ceiling of the survey load test: a bare Django view that
inserts one row (bench only, served by ``surveys_bench_settings``)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from pacesetter.urls import urlpatterns as product_urlpatterns
from surveys_setup import BARE_TABLE


@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest, token: str) -> HttpResponse:
    """What any Django view that stores a submission costs at least: the same middleware,
    one INSERT of the body as it came, a JSON answer. No parsing, checks or hashing."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {BARE_TABLE} (token, body) VALUES (%s, %s) "  # noqa: S608
                       "RETURNING id", [token[:32], request.body.decode()])
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id, "created": True}, status=201)


urlpatterns = [
    path("bench/bare/<str:token>/responses", bare_insert),
    *product_urlpatterns,
]
