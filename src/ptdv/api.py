"""The JSON API: one NinjaAPI, one router per app (mounted here), docs served locally."""

from __future__ import annotations

from ninja import NinjaAPI

from ptdv.access.api import ApiKeyAuth, SessionAuth, register_error_handlers
from ptdv.access.api import router as access_router
from ptdv.core.api import router as core_router
from ptdv.orgs.api import router as orgs_router
from ptdv.people.api import router as people_router

api = NinjaAPI(
    title="PTĐV API",
    version="1.0.0",
    urls_namespace="api",
    description=(
        "API của hệ thống Phát triển đảng viên. Xác thực bằng phiên đăng nhập "
        "hoặc mã truy cập cá nhân (Authorization: Bearer ...)."
    ),
    auth=[ApiKeyAuth(), SessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api_v1_prefix = "v1/"
register_error_handlers(api)
api.add_router(api_v1_prefix, core_router)
api.add_router(api_v1_prefix + "orgs", orgs_router)
api.add_router(api_v1_prefix + "people", people_router)
api.add_router(api_v1_prefix + "me", access_router)
