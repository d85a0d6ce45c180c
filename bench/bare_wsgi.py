"""WSGI entry of the bare startproject baseline (bench/bare_settings.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare_settings"  # whatever the benchmark environment says
application = get_wsgi_application()
