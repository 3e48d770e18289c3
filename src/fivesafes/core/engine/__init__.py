"""The phase engine: one event and its facts in, one plan of effects out."""
