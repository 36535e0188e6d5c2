"""The host's own ``integrations`` app: it has the label hitlcrm's app had in 0.1.0."""
