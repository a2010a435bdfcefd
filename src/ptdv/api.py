"""The JSON API: one NinjaAPI, one router per app (mounted here), docs served locally."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.operation import Operation

from ptdv.access.api import api_key_auth, register_error_handlers, session_auth
from ptdv.access.api import router as access_router
from ptdv.core.api import router as core_router
from ptdv.members.api import events_router as member_events_router
from ptdv.members.api import router as members_router
from ptdv.members.figures_api import router as figures_router
from ptdv.members.transfer_api import router as transfers_router
from ptdv.orgs.api import router as orgs_router
from ptdv.people.api import reference_router
from ptdv.people.api import router as people_router
from ptdv.pipeline.api import board_router, cases_router, due_router
from ptdv.pipeline.api import register_error_handlers as register_pipeline_error_handlers
from ptdv.targets.api import router as targets_router


class PtdvAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """Return the view's own name (list_orgs, get_person ...): short and unique here."""
        return operation.view_func.__name__


api = PtdvAPI(
    title="PTĐV API",
    version="1.0.0",
    urls_namespace="api",
    description=(
        "API của hệ thống Phát triển đảng viên. Xác thực bằng phiên đăng nhập "
        "(kèm mã CSRF khi gửi dữ liệu) hoặc mã truy cập cá nhân "
        "(Authorization: Bearer ptdv_...). Đối tượng ngoài phạm vi được phân quyền "
        "trả về 404; dữ liệu chưa hợp lệ trả về 422 kèm lỗi theo từng trường; "
        "bản ghi đã bị người khác sửa trước trả về 409."
    ),
    auth=[api_key_auth, session_auth],
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api_v1_prefix = "v1/"
register_error_handlers(api)
register_pipeline_error_handlers(api)
api.add_router(api_v1_prefix, core_router)
api.add_router(api_v1_prefix + "orgs", orgs_router)
api.add_router(api_v1_prefix + "people", people_router)
api.add_router(api_v1_prefix + "reference", reference_router)
api.add_router(api_v1_prefix + "members", members_router)
api.add_router(api_v1_prefix + "member-events", member_events_router)
api.add_router(api_v1_prefix + "me", access_router)
api.add_router(api_v1_prefix + "cases", cases_router)
api.add_router(api_v1_prefix + "board", board_router)
api.add_router(api_v1_prefix + "due", due_router)
api.add_router(api_v1_prefix + "transfers", transfers_router)
api.add_router(api_v1_prefix + "units", figures_router)
api.add_router(api_v1_prefix + "units", targets_router)
