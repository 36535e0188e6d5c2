"""An index of who each email draft goes to and what it says, so the duplicate-outreach check
finds earlier outreach by index lookups instead of scanning every draft's recipients and body.
Written when a draft is submitted (in the same transaction), so two drafts checked at the same
moment still see each other."""

from __future__ import annotations

from django.db import models

from .proposals import Proposal


class OutreachKey(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="outreach_keys")
    # Normalised, with what it is as a prefix: "to:ada@contoso.example", "record:Contact:<18-char id>",
    # "draft:<sha256 of the subject and body>"; and "account:contoso.example", counted by the contact
    # caps only (reviews/services/sending_rules.py).
    key = models.CharField(max_length=300)

    class Meta:
        db_table = "reviews_outreachkey"
        constraints = [models.UniqueConstraint(fields=["proposal", "key"], name="outreach_key_once")]
        indexes = [models.Index(fields=["key", "proposal"], name="outreach_key_lookup")]

    def __str__(self) -> str:
        return f"{self.key} of #{self.proposal_id}"
