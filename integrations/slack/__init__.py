"""Slack through slack_sdk: plain data in, normalised results and errors out (as integrations/mail).

- ``client``: the Web API calls hitlcrm makes (``chat.postMessage``, ``chat.update``,
  ``chat.postEphemeral``) and the errors they raise: :class:`SlackRateLimited` (429, with Slack's
  ``Retry-After``), :class:`SlackTransientError` (5xx, network), :class:`SlackPermanentError`.
- ``blocks``: Block Kit messages of a waiting item, a digest and an escalation, from plain views.
- ``signing``: the check of an interactive request's signature and timestamp.
"""
