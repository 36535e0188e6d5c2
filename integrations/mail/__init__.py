"""Mail through Django's email framework: SMTP or any django-anymail provider, by settings alone."""
