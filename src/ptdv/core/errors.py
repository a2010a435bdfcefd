"""Domain exceptions shared by services, views and the API."""

from __future__ import annotations

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A request the domain refuses; carries a Vietnamese message and optional field errors."""

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class StaleVersion(DomainError):
    """Someone else saved the record after the form was opened."""

    def __init__(self, current_version: int) -> None:
        super().__init__(
            _(
                "Bản ghi đã được người khác sửa và lưu trước bạn (phiên bản hiện tại: %(v)s). "
                "Hãy tải lại trang, xem thay đổi mới rồi nhập lại."
            )
            % {"v": current_version}
        )
        self.current_version = current_version
