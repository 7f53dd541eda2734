"""The tertial report: run the notebooks, export static pages and a PDF, publish atomically.

``run.run_report`` is the one entry point (``snanalys report`` calls it); ``export``
turns executed notebooks into pages with the project's own template; ``static_checks``
refuses a page that would load anything or run a script.
"""
