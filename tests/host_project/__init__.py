"""A host project as a company with its own Django back office has it: its own user model (email
login), its own admin registrations and its own DRF API, with hitlcrm's apps installed into it as a
plug-in. The tests run it in subprocesses (``DJANGO_SETTINGS_MODULE=tests.host_project.settings``);
``.ci/plugin_host.py`` copies it, as the package ``host``, next to an installed wheel.

Nothing here is read from ``hitlcrm`` (the standalone project): a host has only the apps.
"""

from .celery import app as celery_app

__all__ = ["celery_app"]
