"""`ptdv remind`: e-mail each user their digest, and record what was sent (D42)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from ptdv.access.models import User
from ptdv.alerts import selectors
from ptdv.alerts.models import SentDigest
from ptdv.alerts.rules import Urgency
from ptdv.alerts.selectors import Digest


@dataclass
class RemindResult:
    """Who got a digest (or would have, on a dry run), who was skipped and why."""

    dry_run: bool
    sent: list[tuple[User, Digest]] = field(default_factory=list)
    no_email: list[tuple[User, Digest]] = field(default_factory=list)  # had items, no address
    nothing_due: list[User] = field(default_factory=list)
    failed: list[tuple[User, str]] = field(default_factory=list)


def _message(user: User, digest: Digest) -> EmailMultiAlternatives:
    site = settings.PTDV_SITE_URL
    context = {
        "user": user,
        "digest": digest,
        "site": site,
        "page": site + reverse("alerts:digest"),
    }
    message = EmailMultiAlternatives(
        subject=digest.subject,
        body=render_to_string("alerts/email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(render_to_string("alerts/email.html", context), "text/html")
    return message


def send_reminders(
    *, users: Iterable[User], today: date, now: datetime, dry_run: bool = False
) -> RemindResult:
    """E-mail each active user with an address and a non-empty digest (due within
    PTDV_ALERTS_EMAIL_DAYS) one message, through Django's mail settings, and record each
    sent digest (`SentDigest`). A dry run builds the digests and sends and records nothing.
    A message the mail server refuses is reported and the others still go."""
    result = RemindResult(dry_run=dry_run)
    connection = None if dry_run else get_connection()
    for user in users:
        if not user.is_active:
            continue
        digest = selectors.digest_for(
            user, today=today, within_days=settings.PTDV_ALERTS_EMAIL_DAYS
        )
        if not digest.total:
            result.nothing_due.append(user)
            continue
        if not user.email:
            result.no_email.append((user, digest))
            continue
        if dry_run:
            result.sent.append((user, digest))
            continue
        message = _message(user, digest)
        message.connection = connection
        try:
            message.send()
        except OSError as exc:  # smtplib's errors are OSErrors
            result.failed.append((user, str(exc)))
            continue
        with transaction.atomic():
            SentDigest.objects.create(
                user=user,
                sent_at=now,
                as_of=today,
                email=user.email,
                overdue=digest.counts[Urgency.OVERDUE],
                due=digest.counts[Urgency.DUE],
                at_risk=digest.counts[Urgency.AT_RISK],
            )
        result.sent.append((user, digest))
    return result
