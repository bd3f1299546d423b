"""Golden sets: the item schema, loading, and validation."""

from evalkit.goldensets._load import (
    GoldenSet,
    builtin_names,
    load_goldenset,
    load_goldensets,
    load_hf_dataset,
)
from evalkit.goldensets._schema import TASKS, GoldenItem, Manifest, Reference
from evalkit.goldensets._validate import ValidationReport, validate_folder, validate_path

__all__ = [
    "TASKS",
    "GoldenItem",
    "GoldenSet",
    "Manifest",
    "Reference",
    "ValidationReport",
    "builtin_names",
    "load_goldenset",
    "load_goldensets",
    "load_hf_dataset",
    "validate_folder",
    "validate_path",
]
