"""Streamed downloads of the audit history and the monthly report: the API and the console answer
with the same files."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from .models.audit import AuditChainHead, AuditEvent
from .services.history import export_filename, history_export


def export_response(chunks: Any, fmt: str, prefix: str, head: tuple[int, str] | None = None) -> StreamingHttpResponse:
    """A streamed download (shared by the API and the console)."""
    content_type = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}[fmt]
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(prefix, fmt)}"'
    if head:  # ties the export to a point of the chain the recipient can verify later
        response["X-Audit-Chain-Head"] = f"{head[0]} {head[1]}"
    return response


def events_export_response(events: QuerySet[AuditEvent], fmt: str, prefix: str) -> StreamingHttpResponse:
    """Every event of ``events`` up to the chain's head as the download starts, streamed."""
    head = AuditChainHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first()
    if head is not None:
        events = events.filter(seq__lte=head[0])
    return export_response(history_export(events, fmt), fmt, prefix, head)
