"""The product's core: database access, viewers and scope, auth, audit, confidentiality, queries, charts.

Nothing in this package imports streamlit, so every piece can be called from tests, the
command line and the benchmark exactly as the pages call it.
"""
