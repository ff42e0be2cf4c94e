"""Statistics of the product: how AI mandates, manager span and forced transfers relate to
morale and attrition, and whether layoff selection was related to AI usage.

Plain modules (never streamlit): `frames` prepares the data in DuckDB SQL, `morale`,
`attrition`, `layoffs` and `correlations` fit the models, `findings` words the results,
`summary` runs everything (`python -m analytics summary --db PATH`). docs/analytics.md
describes the designs and what each estimate does and does not mean.
"""
