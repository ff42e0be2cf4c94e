"""Input side of the product: generate synthetic data, validate it against the contract, load it.

Run `python -m etl --help`. Nothing here imports streamlit.
"""
