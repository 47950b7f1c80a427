"""The WSGI entry point gunicorn serves (`pejling serve`, docs/deployment.md)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pejling.web.settings")
application = get_wsgi_application()
