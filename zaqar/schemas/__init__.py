"""JSON Schemas of the API's request documents, as plain data."""
