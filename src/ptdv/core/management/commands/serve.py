"""Serve PTĐV with waitress (production-grade, pure Python, runs on Windows office PCs too)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy máy chủ web PTĐV (waitress)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, host: str, port: int, threads: int, **options: Any) -> None:
        from django.core.servers.basehttp import get_internal_wsgi_application
        from waitress import serve

        # settings.WSGI_APPLICATION names the application, as for runserver: core does not
        # import the project's top layer (docs/decisions.md D21).
        application = get_internal_wsgi_application()
        self.stdout.write(f"PTĐV đang chạy tại http://{host}:{port}/  (Ctrl+C để dừng)")
        serve(application, host=host, port=port, threads=threads, ident="PTDV")
