"""`ptdv stats asof UNIT_CODE YYYY-MM-DD [--from YYYY-MM-DD] --json`: a unit's figures on a day.

For scripts and operators: members (total, official, probationary, exempted, on temporary
transfer), organisations (đảng bộ cơ sở, chi bộ cơ sở, chi bộ trực thuộc), admissions and
recognitions in the period, and the same split by sex, age band, ethnic group, religion,
education, theory level and occupation — the figures the pages and the API show
(members.asof, one module for all of them).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ptdv.members.asof import figures
from ptdv.orgs.models import Org


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("Ngày “%(v)s” không hợp lệ: viết theo dạng YYYY-MM-DD.") % {"v": value}
        ) from exc


class Command(BaseCommand):
    help = "Số liệu thống kê đảng viên và tổ chức đảng (asof: số liệu tại một ngày)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="task", metavar="TASK")
        asof = sub.add_parser("asof", help="Số liệu của một tổ chức đảng tại một ngày.")
        asof.add_argument("unit_code", metavar="UNIT_CODE", help="Mã tổ chức đảng.")
        asof.add_argument("day", metavar="YYYY-MM-DD", help="Ngày lấy số liệu.")
        asof.add_argument(
            "--from", dest="since", metavar="YYYY-MM-DD",
            help="Đầu kỳ để đếm số kết nạp, công nhận chính thức (đến hết ngày lấy số liệu).",
        )  # fmt: skip
        asof.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args: Any, task: str | None = None, **options: Any) -> None:
        if task != "asof":
            raise CommandError(_("Hãy chọn một công việc: asof."))
        unit = Org.objects.filter(code=options["unit_code"]).first()
        if unit is None:
            raise CommandError(_("Không có tổ chức đảng mã “%(c)s”.") % {"c": options["unit_code"]})
        day = _day(options["day"])
        since = _day(options["since"]) if options.get("since") else None
        if since is not None and since > day:
            raise CommandError(_("Ngày đầu kỳ phải trước hoặc bằng ngày lấy số liệu."))
        result = figures(unit, day, since=since)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
            return
        if not result.exists:
            self.stdout.write(
                _("%(unit)s chưa có hoặc không còn vào ngày %(day)s.")
                % {"unit": unit.name, "day": f"{day:%d/%m/%Y}"}
            )
            return
        self.stdout.write(
            _(
                "%(unit)s, ngày %(day)s: %(total)s đảng viên (%(official)s chính thức, "
                "%(prob)s dự bị, %(exempt)s miễn sinh hoạt); %(gr)s tổ chức cơ sở đảng "
                "(%(grc)s chi bộ cơ sở, %(grk)s đảng bộ cơ sở) với %(cells)s chi bộ trực thuộc."
            )
            % {
                "unit": result.unit_name,
                "day": f"{day:%d/%m/%Y}",
                "total": _n(result.total),
                "official": _n(result.official),
                "prob": _n(result.probationary),
                "exempt": _n(result.exempted),
                "gr": _n(result.units.grassroots_total),
                "grc": _n(result.units.grassroots_cells),
                "grk": _n(result.units.grassroots_committees),
                "cells": _n(result.units.cells),
            }
        )
        if since is not None:
            self.stdout.write(
                _("Từ %(since)s: kết nạp %(a)s, công nhận chính thức %(r)s.")
                % {
                    "since": f"{since:%d/%m/%Y}",
                    "a": _n(result.admitted),
                    "r": _n(result.recognised),
                }
            )
