"""The audit vocabulary: every action the trail records, and what an event's ``data`` holds.

The code records these members (``audit_record(action=AuditAction.SUBMITTED, ...)``) and the
catalogue is this enum: the console's action filter, the API's documentation and docs/audit.md
(``make docs`` writes it; ``python -m reviews.audit_actions`` prints it) all read it, so neither
can name an action the other does not know (``tests/compliance/test_audit_actions.py`` checks
every action string the code records against it). Values are what is stored: a member's value
never changes, or history written before would no longer match. The database does not constrain
the column (a new action needs no migration).

Importable without configured settings, so the catalogue can be printed from a checkout.
"""

from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    """Each member's label says what happened and what the event's ``data`` holds."""

    # --- a proposal's lifecycle ---
    SUBMITTED = "submitted", "An agent submitted a proposal (data: original_output, exactly as received)."
    CHECKS_RUN = "checks_run", ("Automated checks ran (data: checks, reason; from/to when they routed the record; "
                                "policy_scope when a policy scoped to a version routed it; version: the record "
                                "of the output's version, when the gate asked it).")
    AUTO_APPROVED = "auto_approved", ("A policy approved it (actor: policy:<task type>@v<version>; data: checks, "
                                      "final_output, payload_digest; policy_scope of a policy scoped to a version; "
                                      "version: the record of the output's version).")
    CLAIMED = "claimed", "A reviewer opened it and holds it for a few minutes (data: until)."
    FIRST_APPROVAL = "first_approval", "The first of two approvals (data: decision, edits {field: [old, new]}, note)."
    APPROVED = "approved", ("A reviewer approved it (data: decision, reason_code, note, final_output, payload_digest: "
                            "the SHA-256 of the RFC 8785 form of what the executor will send).")
    EDITED_AND_APPROVED = "edited_and_approved", (
        "A reviewer edited, then approved (data: edits {field: [old, new]}, final_output, checks of the final "
        "output, soft_confirmed: soft failures the reviewer confirmed, payload_digest).")
    REJECTED = "rejected", "A reviewer rejected it (data: reason_code, note, decision)."
    RESCUED = "rescued", ("A senior reviewer edited a blocked item so it passes the hard checks; it is back in "
                          "review (data: edits {field: [old, new]}, material, checks of the edited output, note).")
    UNDONE = "undone", "The reviewer took their decision (an approval or a rejection) back in the grace period."
    WITHDRAWN = "withdrawn", "The agent withdrew it."
    ESCALATED = "escalated", "Waiting past its SLA (data: sla_due_at, waited_minutes)."
    EXPIRED = "expired", ("Expired unreviewed under its policy (data: expire_after_minutes, policy; scope of a "
                          "policy scoped to a version).")
    EXECUTING = "executing", "Execution started (data: executor, when an integration reports the outcome)."
    EXECUTED = "executed", "Written to the CRM or sent (data: request, provider_id, response)."
    EXECUTION_FAILED = "execution_failed", "Execution failed for good (data: request, error_code, message, response)."
    EXECUTION_REFUSED = "execution_refused", (
        "Approve A, execute A: the executor refused to send, because the digest of what it was about to send is not "
        "the one its approval recorded; nothing was sent and the record failed (data: request, message naming the "
        "approval and both digests, error_code payload_digest_mismatch, or payload_digest_missing when the approval "
        "recorded none; response {approval, approved_digest, executing_digest}).")
    CONFLICT = "conflict", "The CRM value changed since the proposal (data: request, conflicts)."
    CONFLICT_OVERWRITTEN = "conflict_overwritten", (
        "A reviewer approved a conflict to write over the CRM's newer value (data: decision, overwrites "
        "{field: {crm, written}}, final_output).")
    CONFLICT_REBASED = "conflict_rebased", (
        "A reviewer took the CRM's newer value as the change's base; it is checked and decided again (data: "
        "before {field: [old, new]}, note).")
    EXECUTION_OUTCOME_UNKNOWN = "execution_outcome_unknown", "The worker stopped mid-send; a person must resolve it."

    # --- email: sending, the provider's reports, the suppression list ---
    HELD_FOR_SEND_WINDOW = "held_for_send_window", ("An approved email waits for its policy's send window "
                                                    "(data: until).")
    HELD_FOR_SENDER_PAUSE = "held_for_sender_pause", ("An approved email is held while its sender domain is paused "
                                                      "(once per pause; data: domain, reason).")
    EMAIL_SENDING = "email_sending", ("An email is handed to the provider (data: to, message_id, attempt, "
                                      "lawful_basis, lawful_basis_regions, footer_mode, list_unsubscribe).")
    SEND_CONFIRMED = "send_confirmed", "A person confirmed an email of unknown outcome was sent (data: note, message_id)."
    SEND_MARKED_NOT_SENT = "send_marked_not_sent", ("A person marked an email of unknown outcome as not sent "
                                                    "(data: note, message_id).")
    # One per tracking event anymail normalises (``mail_<event type>``; data: recipient, event_id, description).
    MAIL_QUEUED = "mail_queued", "The provider queued the email."
    MAIL_SENT = "mail_sent", "The provider sent the email."
    MAIL_REJECTED = "mail_rejected", "The provider refused to send the email."
    MAIL_FAILED = "mail_failed", "The provider could not send the email."
    MAIL_BOUNCED = "mail_bounced", "The email bounced (a hard bounce suppresses the address)."
    MAIL_DEFERRED = "mail_deferred", "The receiving server deferred the email; the provider retries."
    MAIL_DELIVERED = "mail_delivered", "The receiving server accepted the email."
    MAIL_AUTORESPONDED = "mail_autoresponded", "The recipient's mailbox answered automatically."
    MAIL_OPENED = "mail_opened", "The recipient opened the email."
    MAIL_CLICKED = "mail_clicked", "The recipient clicked a link in the email."
    MAIL_COMPLAINED = "mail_complained", "The recipient reported the email as spam (suppresses the address)."
    MAIL_UNSUBSCRIBED = "mail_unsubscribed", "The recipient unsubscribed at the provider (suppresses the address)."
    MAIL_SUBSCRIBED = "mail_subscribed", "The recipient subscribed again at the provider."
    MAIL_UNKNOWN = "mail_unknown", "The provider reported an event anymail does not know."
    UNSUBSCRIBED = "unsubscribed", ("A recipient used the one-click unsubscribe (data: addresses, added, "
                                    "crm_change: the opt-out write-back).")
    SUPPRESSION_ADDED = "suppression_added", ("An address was put on the suppression list (data: address, reason, "
                                              "event_id, note).")
    SUPPRESSION_CHANGED = "suppression_changed", ("A suppression-list entry was changed in the console "
                                                  "(data: address, reason, note).")
    SUPPRESSION_REMOVED = "suppression_removed", ("A suppression-list entry was removed in the console "
                                                  "(data: address, reason).")
    CRM_ACTIVITY_LOGGED = "crm_activity_logged", ("The sent email was logged on its CRM record (data: task_id, "
                                                  "error).")
    CRM_ACTIVITY_FAILED = "crm_activity_failed", ("Logging the sent email on its CRM record failed for good "
                                                  "(data: task_id, error).")
    CRM_ACTIVITY_RETRY = "crm_activity_retry", ("Logging the sent email on its CRM record is tried again: a person "
                                                "asked for it, or the logging met a transient error (data: task_id, "
                                                "error when it did).")
    SENDER_DOMAIN_PAUSED = "sender_domain_paused", ("A sender domain's complaint or bounce rate tripped its circuit "
                                                    "breaker (data: domain, reason, figures).")
    SENDER_DOMAIN_RESUMED = "sender_domain_resumed", ("A senior reviewer resumed a paused sender domain (data: "
                                                      "domain, note, paused_at, pause_reason, released).")

    # --- the agent's decision webhook ---
    WEBHOOK_DELIVERED = "webhook_delivered", ("The agent's decision webhook was delivered (data: delivery, url, to, "
                                              "status_code, attempts).")
    WEBHOOK_FAILED = "webhook_failed", ("The agent's decision webhook was given up (data: delivery, url, to, "
                                        "status_code, attempts, error).")

    # --- reviewer notifications: Slack and email (docs/notifications.md) ---
    NOTIFICATION_SENT = "notification_sent", (
        "A reviewer notification went out: a Slack message, a direct message or an email (data: notification, "
        "purpose, channel, target, route, attempts, slack {channel, ts} or message_id).")
    NOTIFICATION_UPDATED = "notification_updated", ("A posted Slack message was updated to show what became of the "
                                                    "item (data: notification, shown_status, slack {channel, ts}).")
    NOTIFICATION_FAILED = "notification_failed", ("A reviewer notification was given up (data: notification, purpose, "
                                                  "channel, target, route, attempts, error).")
    NOTIFICATION_LINK_OPENED = "notification_link_opened", ("A reviewer opened an item through an email's single-use "
                                                            "link (data: link, notification).")
    NOTIFICATION_ROUTE_CHANGED = "notification_route_changed", (
        "An administrator added, changed or deleted a notification route (data: route, created or deleted, enabled, "
        "channel, slack_channel_id, kinds, task_types, min_risk, max_risk, per_item_limit, escalate).")
    NOTIFICATION_PROFILE_CHANGED = "notification_profile_changed", (
        "A reviewer's notification profile changed; slack_relinked when their Slack account was linked, changed or "
        "unlinked (data: reviewer, slack_team, slack_user, slack_relinked, previous_slack_user, quiet_hours, "
        "timezone, email_enabled, or deleted).")
    SLACK_DECIDED = "slack_decided", (
        "A reviewer decided from Slack; the decision's own event (approved, rejected) comes just before (data: "
        "slack_team, slack_user, slack_channel, slack_message_ts, action, proposal, reason_code, status).")
    SLACK_ACTION_REFUSED = "slack_action_refused", (
        "A click in Slack was refused and changed nothing (data: slack_team, slack_user, slack_channel, "
        "slack_message_ts, action, proposal, reason_code, reason, told).")
    SLACK_REQUEST_REFUSED = "slack_request_refused", ("A request to the Slack endpoint was refused: a bad or stale "
                                                      "signature, or a replay (data: reason).")

    # --- the gate's settings and its measurement (docs/gate.md) ---
    POLICY_CHANGED = "policy_changed", (
        "An admin saved a policy (data: task_type, version, created, scope: the versions it governs, changes "
        "{field: [old, new]}, replay: what the new and the old rules would have done to the latest human-decided "
        "proposals they govern).")
    GOLDEN_SEEDED = "golden_seeded", ("An admin put a golden (known-answer) copy of a proposal in the queue (data: "
                                      "golden_item, source, expected, edits: the parts changed, note).")
    GOLDEN_RETIRED = "golden_retired", ("A golden item's approval reached the executor, which took it out of the "
                                        "loop instead of executing it (data: golden_item, expected).")

    # --- the console's people (docs/plugin.md, "Users and roles") ---
    REVIEWER_CREATED = "reviewer_created", ("An admin created a console user (data: login, user_id, role, email).")
    REVIEWER_ROLE_CHANGED = "reviewer_role_changed", ("An admin changed a console user's hitlcrm role (data: login, "
                                                      "user_id, role [old, new]).")
    REVIEWER_DEACTIVATED = "reviewer_deactivated", ("An admin deactivated a console user: they can no longer sign in "
                                                    "(data: login, user_id).")
    REVIEWER_REACTIVATED = "reviewer_reactivated", "An admin reactivated a console user (data: login, user_id)."
    REVIEWER_PASSWORD_SET = "reviewer_password_set", "An admin set a console user's password (data: login, user_id)."

    # --- access ---
    LOGIN = "login", "A person signed in."
    LOGIN_FAILED = "login_failed", "A sign-in failed (data: username)."
    LOGIN_THROTTLED = "login_throttled", "A sign-in was refused while the login is locked out (data: username)."
    PERMISSION_DENIED = "permission_denied", "A request was refused with 403 (data: method, path, status)."
    TOKEN_ISSUED = "token_issued", "An API token was issued (data: client, token (its hint), token_id)."
    TOKEN_REVOKED = "token_revoked", "An API token was revoked (data: client, token (its hint), token_id)."
    TOKEN_USED = "token_used", "An API token was used (first use per token and hour; data: token, token_id, hour)."
    TOKEN_REJECTED = "token_rejected", "An API token was refused (data: reason, token and token_id, or fingerprint)."


def catalogue_markdown() -> str:
    """docs/audit.md: the catalogue as a table, in the enum's order."""
    lines = [
        "# Audit actions",
        "",
        "<!-- Written by `make docs` from reviews/audit_actions.py; edit the enum, not this file. -->",
        "",
        "Every event of the audit trail (`GET /api/v1/history/`, the console's history, the exports) has",
        "one of these actions. `data` is the event's JSON object; the actor, the record (`proposal`) and",
        "the CRM object and id are columns of their own.",
        "",
        "| Action | What happened |",
        "| --- | --- |",
    ]
    lines += [f"| `{action.value}` | {action.label.replace('|', '&#124;')} |" for action in AuditAction]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(catalogue_markdown(), end="")
