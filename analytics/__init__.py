"""Statistics of the product: how AI mandates, manager span and forced transfers relate to
morale and attrition, and whether layoff selection was related to AI usage.

Plain modules (never streamlit), in layers that import only to their left:
results → fit → store → report. `frames` prepares the data in DuckDB SQL; `morale`,
`mandate`, `attrition`, `layoffs` and `correlations` fit the models and define their results,
each of which stores and reads itself (`results`); `fit.MODELS` is the one list of models;
`stored` writes them at load and reads them per view; `findings` words them and `report` puts
the command line's JSON (`python -m analytics summary --db PATH`) and the Drivers page's report
together. docs/analytics.md describes the designs and what each estimate does and does not mean.
"""
