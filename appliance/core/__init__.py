"""The pure core: functions over plain data and typed models, with no web framework, database or service.

Flows (schema, engine, turn), understanding, scoring, availability, ICS files and text catalogues.
Everything here may be imported on its own, by a test or a benchmark, without loading Flask or SQLAlchemy.
"""
