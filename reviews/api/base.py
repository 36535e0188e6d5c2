"""The API's policy, set on hitlcrm's own views rather than in the project's global ``REST_FRAMEWORK``.

Installed into a host project, hitlcrm then changes nothing about the host's other endpoints (an
agent token authenticates on these views only, so it opens none of the host's), and the host's
REST_FRAMEWORK (its authentication, permissions, renderers, pagination, exception handler) changes
nothing about hitlcrm's API. Every hitlcrm API view puts ``HitlcrmApiPolicy`` first among its bases.

The OpenAPI schema class is set here too (``schema``), and on annotated view methods by
``reviews.api.schema.extend_schema``, so the document builds whatever ``DEFAULT_SCHEMA_CLASS`` is.
"""

from __future__ import annotations

import functools
from typing import Any

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authentication import SessionAuthentication
from rest_framework.metadata import SimpleMetadata
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from ..conf import OPENAPI_SETTINGS
from .authentication import AgentTokenAuthentication
from .errors import api_exception_handler
from .throttling import AgentRateThrottle


class HitlcrmApiPolicy:
    authentication_classes = [AgentTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [AgentRateThrottle]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    parser_classes = [JSONParser]
    filter_backends = [DjangoFilterBackend]
    pagination_class = None
    content_negotiation_class = DefaultContentNegotiation
    metadata_class = SimpleMetadata
    versioning_class = None
    schema = AutoSchema()

    def get_exception_handler(self) -> Any:
        return api_exception_handler


def hitlcrm_endpoints_only(endpoints: list[tuple[Any, ...]], **kwargs: Any) -> list[tuple[Any, ...]]:
    """drf-spectacular preprocessing hook: the schema describes hitlcrm's API, not the host's."""
    views = [(endpoint, getattr(endpoint[3], "cls", object)) for endpoint in endpoints]
    return [endpoint for endpoint, view in views if issubclass(view, HitlcrmApiPolicy) and not issubclass(view, SchemaView)]


# The schema's own settings (drf-spectacular's custom_settings), so a host needs no SPECTACULAR_SETTINGS.
SCHEMA_SETTINGS: dict[str, Any] = {**OPENAPI_SETTINGS, "PREPROCESSING_HOOKS": ["reviews.api.base.hitlcrm_endpoints_only"]}


class SchemaView(HitlcrmApiPolicy, SpectacularAPIView):
    """``GET schema/``: the OpenAPI document, readable without credentials (as before)."""

    permission_classes = [AllowAny]
    renderer_classes = SpectacularAPIView.renderer_classes
    custom_settings = SCHEMA_SETTINGS
    # The document does not describe itself: drf-spectacular annotates this view's get() when it is
    # imported, on the project's DEFAULT_SCHEMA_CLASS, which may be DRF's (a host's, or hitlcrm's own).
    schema = None


@functools.lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    """The API's OpenAPI document, as ``GET schema/`` serves it (built once per process)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.settings import patched_settings

    with patched_settings(SCHEMA_SETTINGS):
        return SchemaGenerator().get_schema(request=None, public=True)


def request_schema(serializer_class: type[Any]) -> dict[str, Any]:
    """The JSON Schema of a request body that ``serializer_class`` validates, from the OpenAPI
    document: its component, with the components it refers to under ``$defs``."""
    from drf_spectacular.settings import patched_settings

    with patched_settings(SCHEMA_SETTINGS):
        name = AutoSchema()._get_serializer_name(serializer_class(), "request")
    components = openapi_document()["components"]["schemas"]
    defs: dict[str, Any] = {}

    def local(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/"):
                target = ref.rsplit("/", 1)[1]
                if target not in defs:
                    defs[target] = {}
                    defs[target] = local(components[target])
                return {**node, "$ref": f"#/$defs/{target}"}
            return {key: local(value) for key, value in node.items()}
        if isinstance(node, list):
            return [local(value) for value in node]
        return node

    schema = local(components[name])
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": name, **schema,
            **({"$defs": defs} if defs else {})}
