"""The host's own ``reviews`` app (product reviews): it has the label hitlcrm's app had in 0.1.0."""
