"""The host's own ``integrations`` app: it has the label hitlcrm's app had until 0.2."""
