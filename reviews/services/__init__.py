"""Use cases. Admin, API and Celery tasks are thin adapters over these functions; nothing else
changes a record's status."""
