"""Render time of the busiest list pages on the demo province (issue 6 §6, decision D23).

    DATABASE_URL=sqlite:////tmp/pages.sqlite3 .venv/bin/ptdv migrate
    DATABASE_URL=sqlite:////tmp/pages.sqlite3 .venv/bin/ptdv demo
    DATABASE_URL=sqlite:////tmp/pages.sqlite3 .venv/bin/python -m bench.pages

Each page is fetched with Django's test client as the province's board specialist: three
warm-up requests, then the median of 20 (server-side time, templates included).
"""

from __future__ import annotations

import os
import statistics
import time

RUNS = 20


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptdv.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from ptdv.access.models import User

    settings.ALLOWED_HOSTS = ["*"]
    # No collectstatic needed: static URLs come from the plain storage.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    client.force_login(User.objects.get(username="bantochuc.tinh"))
    pages = [
        ("people list", reverse("people:list"), {}),
        ("people list, htmx results", reverse("people:list") + "?q=nguyen", {"HX-Request": "true"}),
        ("board", reverse("pipeline:board"), {}),
        ("to-do list", reverse("pipeline:todo"), {}),
        ("pool", reverse("pipeline:pool"), {}),
    ]
    try:  # absent before decision D23; the script also times the code from before it
        picker = reverse("orgs:picker") + "?source=people&org_q=khu+pho+2"
        pages.append(("unit picker search", picker, {"HX-Request": "true"}))
    except NoReverseMatch:
        pass
    for name, url, headers in pages:
        for _ in range(3):
            client.get(url, headers=headers)
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"{name:28} median {statistics.median(times):6.1f} ms  "
            f"min {min(times):6.1f}  {len(response.content):7,} bytes"
        )


if __name__ == "__main__":
    main()
