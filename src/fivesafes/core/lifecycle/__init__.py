"""The phases after sign-off: the state table, execution and publication gates."""
