"""The host's own ``reviews`` app (product reviews): it has the label hitlcrm's app had until 0.2."""
