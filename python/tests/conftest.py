import json
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PY_ROOT = os.path.dirname(HERE)
REPO = os.path.dirname(PY_ROOT)
sys.path.insert(0, PY_ROOT)

SCHEMA_PATH = os.path.join(REPO, "schema", "run-record.schema.json")


@pytest.fixture(scope="session")
def validator():
    """The JSON Schema the TypeScript side ships (schema/run-record.schema.json)."""
    jsonschema = pytest.importorskip("jsonschema")
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        schema = json.load(f)
    return jsonschema.Draft202012Validator(schema)


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f.read().splitlines() if line.strip()]
