"""Typed Altair chart builders. Each returns an `alt.Chart` (or layer) and never touches the database."""
