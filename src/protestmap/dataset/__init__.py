"""The incident dataset: schema, CSV reading, validation, loading and writing."""
