"""Puts the console into a web application: its pages, its stylesheet and its error pages."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from ordermill.console import (
    routes_auth,
    routes_catalog,
    routes_dashboard,
    routes_fulfillment,
    routes_inventory,
    routes_orders,
    routes_packing,
    routes_picking,
    routes_routing,
    routes_stock,
)
from ordermill.console.pages import page_link, redirect, render
from ordermill.console.session import PageRefused, SignInRequired, signed_in

STATIC_PATH = "/console/static"
_unknown = APIRouter(include_in_schema=False)


@_unknown.get("/console/{rest:path}", dependencies=[Depends(signed_in)])
def unknown_page(rest: str) -> Response:
    raise PageRefused(404, "Page not found", f"There is no console page /console/{rest}.")


def _sign_in(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    return redirect(page_link(routes_auth.LOGIN_PATH, {"next": exc.next_path}))


def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageRefused)
    session = getattr(request.state, "console_session", None)
    return render(request, "error.html", session, status_code=exc.status_code,
                  title=exc.title, detail=exc.detail)


def install(app: FastAPI) -> None:
    for feature in (routes_auth, routes_dashboard, routes_orders, routes_inventory,
                    routes_stock, routes_catalog, routes_routing, routes_fulfillment,
                    routes_picking, routes_packing):
        app.include_router(feature.router)
    app.mount(STATIC_PATH, StaticFiles(packages=[("ordermill.console", "static")]),
              name="console-static")
    # Last, so it only answers what no page and no static file did.
    app.include_router(_unknown)
    app.add_exception_handler(SignInRequired, _sign_in)
    app.add_exception_handler(PageRefused, _refused)
