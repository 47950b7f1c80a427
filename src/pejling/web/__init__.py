"""The web application (issue 13): a Django project on the same workspace as the command line.

Read-only so far: login, the overview of a municipality's goals, a goal page with the report's
chart, and the audit log. Every verdict and figure comes from the report model through
`pejling.cli.status_data`, so the web shows what `pejling status` prints (docs/web.md).
Nothing here is imported by the command line until `pejling serve` runs.
"""
