"""The outside world: Salesforce (and its local emulator), mail providers, and the endpoints that
execute outbound actions (signed webhooks).

Nothing here imports the review app's models: integrations take plain data and return plain
outcomes, and the review services record them.
"""
