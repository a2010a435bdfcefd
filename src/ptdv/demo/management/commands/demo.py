"""`ptdv demo`: load the demo province (Quảng Trị after the 2025 reorganisation)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.demo import loader
from ptdv.demo.logins import demo_logins_text


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu: Đảng bộ tỉnh Quảng Trị với các đảng bộ xã, phường, khối, "
        "tổ chức cơ sở đảng, chi bộ, người và tài khoản dùng thử."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=loader.DEFAULT_SEED,
            help="Hạt giống ngẫu nhiên; cùng hạt giống cho cùng dữ liệu.",
        )
        parser.add_argument(
            "--people",
            type=int,
            default=loader.DEFAULT_PEOPLE,
            help="Số người được tạo (mặc định %(default)s).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Xóa dữ liệu mẫu đang có trước khi nạp (chỉ khi CSDL chỉ chứa dữ liệu mẫu).",
        )

    def handle(self, *args: Any, seed: int, people: int, reset: bool, **options: Any) -> None:
        if people < 0:
            raise CommandError(_("Số người (--people) không được âm."))
        started = time.monotonic()
        try:
            with transaction.atomic():
                if reset and not loader.database_is_empty():
                    loader.delete_demo_data()
                    self.stdout.write(_("Đã xóa dữ liệu mẫu cũ."))
                summary = loader.load_demo(seed=seed, people=people, today=timezone.localdate())
        except loader.DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "Đã nạp dữ liệu mẫu (hạt giống %(seed)s): %(orgs)s tổ chức đảng, "
                "%(grassroots)s tổ chức cơ sở đảng, %(cells)s chi bộ trực thuộc, "
                "%(people)s người, %(cases)s hồ sơ phát triển đảng viên, %(users)s tài khoản, "
                "trong %(sec).1f giây."
            )
            % {
                "seed": seed,
                "orgs": summary.orgs,
                "grassroots": summary.grassroots,
                "cells": summary.cells,
                "people": summary.people,
                "users": summary.users,
                "cases": summary.cases,
                "sec": time.monotonic() - started,
            }
        )
        # `ptdv start` prints the logins itself after loading (verbosity 0 here).
        text = demo_logins_text() if options.get("verbosity", 1) > 0 else ""
        if text:
            self.stdout.write(text)
