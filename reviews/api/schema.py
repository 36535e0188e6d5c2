"""``extend_schema`` for hitlcrm's views, independent of the project's ``REST_FRAMEWORK``.

drf-spectacular's ``extend_schema`` builds the schema of a decorated view method on
``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]`` unless the method already names a schema class. A host
project keeps DRF's default there (its own API need not use drf-spectacular), on which hitlcrm's
OpenAPI document cannot be built. This one names drf-spectacular's AutoSchema on the method first,
as ``HitlcrmApiPolicy.schema`` does for whole views, so the document builds whatever the host sets.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema as spectacular_extend_schema


def extend_schema(**options: Any) -> Callable[[Any], Any]:
    """drf-spectacular's ``extend_schema`` (same options), built on its AutoSchema."""
    decorate = spectacular_extend_schema(**options)

    def decorator(target: Any) -> Any:
        if callable(target) and not inspect.isclass(target) and not hasattr(target, "cls"):
            # A view method: the place drf-spectacular looks for an explicit schema class first.
            kwargs = getattr(target, "kwargs", None)
            if kwargs is None:
                target.kwargs = kwargs = {}
            kwargs.setdefault("schema", AutoSchema)
        return decorate(target)

    return decorator
