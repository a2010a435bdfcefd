"""The `ptdv` console command: Django's management commands plus PTĐV's own.

ptdv start       migrate, load demo data if the database is empty, serve (make run)
ptdv serve       serve with the production server (waitress) and whitenoise
ptdv demo        load the demo province
ptdv createadmin create an administrator account
ptdv grant       give a user a role over an organisation's subtree
ptdv check_spans check the dated tree (spans) against the live tree
ptdv remind      e-mail each user their digest of overdue, due and at-risk items (D42)
ptdv migrate, ptdv check, ... every Django command
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptdv.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ptdv", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
