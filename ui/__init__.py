"""Streamlit glue shared by the pages: connection, sign-in, navigation, filters, downloads."""
