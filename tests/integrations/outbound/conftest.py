"""An action type whose endpoint is a local HTTPS receiver, trusted through HITLCRM_OUTBOUND_CA_BUNDLE."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviews.models import CallbackHostRule, OutboundActionType

from .receiver import ActionReceiver, ReceiverCertificates, Verify

DOC = Path(__file__).resolve().parents[3] / "docs" / "outbound-actions.md"
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
BUDGET_SCHEMA = {
    "type": "object",
    "properties": {"budget": {"type": "integer", "minimum": 0, "maximum": 1000}, "currency": {"enum": ["EUR", "USD"]}},
    "required": ["budget", "currency"],
    "additionalProperties": False,
}


def documented_verify() -> Verify:
    """The receiver's signature check exactly as docs/outbound-actions.md prints it."""
    blocks = [block for block in PYTHON_BLOCK.findall(DOC.read_text(encoding="utf-8")) if "def verify(" in block]
    assert len(blocks) == 1, "docs/outbound-actions.md shows the receiver's verify() once"
    namespace: dict = {}
    exec(compile(blocks[0], str(DOC), "exec"), namespace)  # noqa: S102  (our own documentation)
    return namespace["verify"]


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> ReceiverCertificates:
    return ReceiverCertificates.make(tmp_path_factory.mktemp("outbound-tls"))


@pytest.fixture(scope="session")
def verify() -> Verify:
    return documented_verify()


@pytest.fixture
def receiver(certificates: ReceiverCertificates, verify: Verify) -> Iterator[ActionReceiver]:
    server = ActionReceiver(certificates, verify).start()
    yield server
    server.stop()


@pytest.fixture
def trusted(settings, certificates: ReceiverCertificates) -> ReceiverCertificates:
    """hitlcrm trusts the receiver's CA (and waits half a second for an answer)."""
    settings.HITLCRM_OUTBOUND_CA_BUNDLE = str(certificates.ca_path)
    settings.HITLCRM_OUTBOUND_TIMEOUT_SECONDS = 0.5
    return certificates


@pytest.fixture
def action_type(db, receiver: ActionReceiver, trusted: ReceiverCertificates) -> OutboundActionType:
    """``ads.budget_change`` POSTing to the receiver (127.0.0.1 explicitly allowed as a private address)."""
    CallbackHostRule.objects.create(host="127.0.0.1", allow_private_network=True, note="tests")
    action_type = OutboundActionType(name="ads.budget_change", description="Change a campaign's daily budget.",
                                     payload_schema=BUDGET_SCHEMA, endpoint_url=receiver.url)
    action_type.full_clean()
    action_type.save()
    receiver.secret = action_type.signing_secret
    return action_type
