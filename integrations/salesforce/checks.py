"""Salesforce settings checked at start (``manage.py check``, every Celery worker: hitlcrm/celery.py).

A malformed setting (``SALESFORCE_DOMAIN``, ``SALESFORCE_API_VERSION``, a login that cannot work at the
configured version) stops start-up with the message ``read_config`` gives, which names the setting and
the fix, instead of failing every push later. A login that will stop working (SOAP ``login()``) is a
warning. Salesforce left unconfigured is not a problem here: the push then fails naming what to set.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Warning, register

from .client import read_config, soap_login_warning
from .errors import SalesforceConfigurationError, SalesforceNotConfigured

TAG = "hitlcrm"


@register(TAG)
def salesforce_settings_usable(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        config = read_config()
    except SalesforceNotConfigured:
        return []
    except SalesforceConfigurationError as exc:
        return [Error(str(exc), id="hitlcrm.E010")]
    warning = soap_login_warning(config)
    return [Warning(warning, id="hitlcrm.W010")] if warning else []
