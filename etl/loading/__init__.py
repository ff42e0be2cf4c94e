"""The loader's parts: reading files into a scratch database (`read`), the per-row rules of the
pandera models run by pandera or as SQL (`rules`), the cross-table SQL checks (`checks`),
writing everything into the target database in one transaction (`write`), and the problems
they report (`problems`). `etl.load` puts them together; import the public API from there.
"""
