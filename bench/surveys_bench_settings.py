"""Settings of the server that ``bench_surveys.py`` loads: the product's, with a URL
configuration that adds the load test's ceiling (``surveys_bench_urls``). Bench only: the
product's own URLs do not have it."""

from pacesetter.settings import *  # noqa: F403 the product's settings, all of them

ROOT_URLCONF = "surveys_bench_urls"
