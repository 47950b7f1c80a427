"""Every URL of the application. Each view declares who may open it (`pejling.web.access`);
tests/web/test_access_matrix.py lists every pattern here and fails on one it does not know."""

from __future__ import annotations

from django.urls import include, path

from pejling.web.routes import data, policy, work
from pejling.web.views import assets, audit_log, auth, goal, home, overview

routes = [
    path("", home.home, name="home"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("kommune/<int:code>/", overview.overview, name="overview"),
    path("kommune/<int:code>/maal/<str:policy>/<str:anchor>/", goal.goal, name="goal"),
    path("revision/", audit_log.audit_log, name="audit"),
    path("static/<path:path>", assets.static, name="static"),
    *policy.routes,
    *data.routes,
    *work.routes,
]

#: every name lives in the namespace `web` ("web:overview"), as the templates reverse them
urlpatterns = [path("", include((routes, "web")))]

handler403 = "pejling.web.views.errors.forbidden"
handler404 = "pejling.web.views.errors.not_found"
