"""API clients (agents that submit, integrations that execute) and their hashed tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.text import slugify


def login_path(relation: str) -> str:
    """The lookup of the login of the user behind ``relation`` (``reviewer`` -> ``reviewer__email`` for a
    user model that signs in by email): whatever the project's user model calls it."""
    return f"{relation}__{get_user_model().USERNAME_FIELD}"


def new_api_client_user(name: str) -> models.Model:
    """The service account an API client called ``name`` acts as: not staff, no usable password. Its
    login is ``api:<name>``; for a user model whose login is an email address, an address of the
    reserved ``.invalid`` domain (unique per name) that can receive no mail."""
    model = get_user_model()
    login = f"api:{name}"
    if isinstance(model._meta.get_field(model.USERNAME_FIELD), models.EmailField):
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        login = f"api.{slugify(name)[:40] or 'client'}.{digest}@agents.invalid"
    user = model(**{model.USERNAME_FIELD: login})
    user.is_staff = False
    user.set_unusable_password()
    user.save()
    return user


def new_signing_secret() -> str:
    """A fresh HMAC key for signing webhooks (an agent's decision webhooks, an outbound action type's calls)."""
    return "whsec_" + secrets.token_urlsafe(32)


class ApiClient(models.Model):
    class Role(models.TextChoices):
        AGENT = "agent", "Agent (submits proposals)"
        INTEGRATION = "integration", "Integration (executes approved changes)"

    name = models.CharField(max_length=100, unique=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.AGENT)
    # The service account the client acts as; it is never staff and can never decide anything.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client")
    webhook_url = models.URLField(blank=True, max_length=500)
    # The HMAC key decision webhooks are signed with; hitlcrm needs the raw value to sign, so it is
    # kept (not hashed) and shown to the agent once, when it is made.
    webhook_secret = models.CharField(max_length=128, blank=True)
    throttle_rate = models.CharField(
        max_length=20, blank=True, help_text="Requests allowed, e.g. '600/min'; blank uses the default.",
        validators=[RegexValidator(r"^[1-9][0-9]{0,8}/(s|sec|second|m|min|minute|h|hour|d|day)$",
                                   "A number of requests per s, min, hour or day, e.g. 600/min.")],
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "reviews_apiclient"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def new_webhook_secret(self) -> str:
        """Set (and return) a fresh signing secret; the caller saves."""
        self.webhook_secret = new_signing_secret()
        return self.webhook_secret


def hash_token(raw: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough: no dictionary to guess from.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, client__is_active=True)


class ApiToken(models.Model):
    """A bearer token, stored only as its hash; the raw value is shown once, at creation."""

    PREFIX = "hcrm_"

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="First characters, to tell tokens apart.")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        db_table = "reviews_apitoken"

    def __str__(self) -> str:
        return f"{self.client.name} {self.hint}…"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @classmethod
    def issue(cls, client: ApiClient) -> tuple[ApiToken, str]:
        """Store a new token (its hash); ``services.tokens.token_issue`` is the audited way to call it."""
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(client=client, key_hash=hash_token(raw), hint=raw[: len(cls.PREFIX) + 6])
        return token, raw


class ApiRequestWindow(models.Model):
    """Requests an API client made in one fixed throttling window (``reviews.api.throttling``):
    one row per client and window, counted up with a single upsert per request."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    window_start = models.BigIntegerField(help_text="Unix time the window starts at.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "reviews_apirequestwindow"
        constraints = [models.UniqueConstraint(fields=["client", "window_start"], name="request_window_once")]

    def __str__(self) -> str:
        return f"{self.client_id}@{self.window_start}: {self.count}"


class ConsoleAccount(models.Model):
    """A console login ``create_reviewer`` created. hitlcrm's commands change these users only: a
    project's own users and superusers (in a host project, its staff) are never altered by them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hitlcrm_console_account")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The console's "Reviewers" page (reviews/admin/reviewers.py) lists these.
        verbose_name = "reviewer"
        ordering = ["user_id"]
        db_table = "reviews_consoleaccount"

    def __str__(self) -> str:
        return self.user.get_username()
