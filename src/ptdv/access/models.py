"""Users, role grants scoped to a subtree, personal API tokens and the access log."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who logs in. Display preferences are remembered per user."""

    class TextSize(models.IntegerChoices):
        SMALL = -1, _("Chữ nhỏ")
        NORMAL = 0, _("Chữ vừa")
        LARGE = 1, _("Chữ lớn")
        LARGER = 2, _("Chữ rất lớn")

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    text_size = models.SmallIntegerField(
        _("cỡ chữ"), choices=TextSize.choices, default=TextSize.NORMAL
    )
    high_contrast = models.BooleanField(_("độ tương phản cao"), default=False)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    """Roles per DESIGN.md; what each may do is decided in access/policy.py only."""

    VIEWER = "viewer", _("Xem")
    CELL_EDITOR = "cell_editor", _("Cấp ủy chi bộ")
    GRASSROOTS_OFFICER = "grassroots_officer", _("Cán bộ đảng vụ cơ sở")
    BOARD_SPECIALIST = "board_specialist", _("Chuyên viên Ban Tổ chức")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")


class RoleGrant(models.Model):
    """A role held over an organisation and its whole subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    # By label: access sits below orgs in the layering (docs/decisions.md D21).
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("tổ chức"), on_delete=models.CASCADE, related_name="grants"
    )
    granted_at = models.DateTimeField(_("cấp lúc"), auto_now_add=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quyền theo tổ chức")
        verbose_name_plural = _("quyền theo tổ chức")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org"], name="access_grant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.org}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token; only its hash is stored, the secret is shown once."""

    PREFIX = "ptdv_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên gợi nhớ"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def new_secret(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)


class AccessLog(models.Model):
    """A read of a personal dossier or an export: who, when, what, from where."""

    class Kind(models.TextChoices):
        READ = "read", _("Xem hồ sơ")
        EXPORT = "export", _("Xuất dữ liệu")
        HISTORY = "history", _("Xem lịch sử thay đổi")

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User, verbose_name=_("người dùng"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    object_type = models.CharField(_("loại đối tượng"), max_length=50)
    object_id = models.CharField(_("mã đối tượng"), max_length=50)
    object_label = models.CharField(_("đối tượng"), max_length=255)
    channel = models.CharField(_("kênh"), max_length=10, default="web")
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhật ký truy cập")
        verbose_name_plural = _("nhật ký truy cập")
        indexes = [models.Index(fields=["object_type", "object_id", "at"], name="access_log_obj")]
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.user} {self.kind} {self.object_label}"
