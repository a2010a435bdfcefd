"""What `ptdv remind` sent: one row per e-mailed digest, for the operator (D42)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SentDigest(models.Model):
    """One digest e-mailed to one user: who, when, as of which day, how many items.

    The items themselves are not kept: they name people, and the digest can be rebuilt for
    the day from the pipeline and the registry."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("thời điểm gửi"), db_index=True)
    as_of = models.DateField(_("tính đến ngày"))
    email = models.EmailField(_("địa chỉ"))
    overdue = models.PositiveIntegerField(_("quá hạn"))
    due = models.PositiveIntegerField(_("đến hạn"))
    at_risk = models.PositiveIntegerField(_("cần chú ý"))

    class Meta:
        verbose_name = _("bản nhắc việc đã gửi")
        verbose_name_plural = _("bản nhắc việc đã gửi")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.sent_at:%d/%m/%Y %H:%M} {self.user} ({self.items})"

    @property
    def items(self) -> int:
        return self.overdue + self.due + self.at_risk
