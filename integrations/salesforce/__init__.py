"""hitlcrm's boundary around Salesforce. Everything in hitlcrm that talks to Salesforce goes through
this package, which uses simple-salesforce:

- ``client``: connection from settings, re-login, API usage (``api_usage``, ``budget_exhausted``),
  request counting (``count_requests``).
- ``describe``: cached sObject metadata and value checks (``describe_object``, ``validate_field_value``).
- ``records``: batched reads and conflict-checked writes (``read_records``, ``push_updates``,
  ``create_records``).
- ``errors``: ``SalesforceError`` and its transient / permanent / configuration subclasses.
- ``ids``: 15/18-character record ids (``to_18``, ``is_valid_id``).
- ``crm``: the backend of hitlcrm's CRM port (``reviews.crm``): what reviews/ uses of the above, under
  CRM-neutral names.
- ``executor``: the Salesforce push behind the executor port (``reviews.executors``).
"""
