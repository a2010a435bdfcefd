"""`make run`: migrate, load demo data on first start, collect static, print logins, serve."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections


class Command(BaseCommand):
    help = "Khởi động PTĐV: cập nhật CSDL, nạp dữ liệu mẫu lần đầu, chạy máy chủ."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-demo", action="store_true")

    def handle(self, *args: Any, host: str, port: int, no_demo: bool, **options: Any) -> None:
        from ptdv.orgs.models import Org

        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Cơ sở dữ liệu đã sẵn sàng.")
        if not no_demo and not Org.objects.exists():
            self.stdout.write("Cơ sở dữ liệu trống: đang nạp dữ liệu mẫu...")
            call_command("demo", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        # The server's threads open their own connections: this one is closed, which on SQLite
        # leaves the planner the statistics of the tables migrated and loaded (D59).
        connections.close_all()
        from ptdv.demo.logins import demo_logins_text

        text = demo_logins_text()
        if text:
            self.stdout.write(text)
        self.stdout.write(f"Cơ sở dữ liệu: {settings.DATABASES['default']['NAME']}")
        call_command("serve", host=host, port=port)
