"""Settings split by purpose: ``base`` (development defaults), ``production`` and ``test``.

Topic modules (``salesforce``, ``celery``) are pulled into ``base`` so every purpose shares them.
"""
