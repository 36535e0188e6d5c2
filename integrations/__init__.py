"""The outside world: Salesforce (and its local emulator) and mail providers.

Nothing here imports the review app's models: integrations take plain data and return plain
outcomes, and the review services record them.
"""
