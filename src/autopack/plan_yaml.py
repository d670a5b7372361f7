"""Reading a plan's YAML: PyYAML's safe loader, made strict about keys given twice.

YAML leaves a mapping with the same key twice to the loader, and PyYAML keeps the last value
silently: a second `phases:` would drop the first list, a second `ci:` replace a failing check.
`load_plan_yaml` refuses such a mapping with `DuplicateKeyError`, which names the key and both
lines. Keys brought in by a merge (`<<: *defaults`) are not duplicates: explicit keys override
merged ones, as YAML intends. It also says whether the document used aliases, so that a plan
too large once its aliases are expanded can be told from a plan that is simply too large.
"""

from __future__ import annotations

from typing import Any

import yaml

_MERGE_TAG = "tag:yaml.org,2002:merge"


class DuplicateKeyError(yaml.YAMLError):
    """A mapping gives the same key twice; lines count from 1."""

    def __init__(self, key: Any, first_line: int, second_line: int) -> None:
        self.key = key
        self.first_line = first_line
        self.second_line = second_line
        super().__init__(
            f"duplicate key {key!r} at line {second_line} (first at line {first_line})"
        )


class PlanLoader(yaml.SafeLoader):
    """A SafeLoader that refuses duplicate keys and notes whether aliases were used."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.uses_aliases = False

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.uses_aliases = True
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            self._refuse_duplicate_keys(node)
        return super().construct_mapping(node, deep=deep)

    def _refuse_duplicate_keys(self, node: yaml.MappingNode) -> None:
        first_lines: dict[Any, int] = {}
        for key_node, _value in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                if key in first_lines:
                    raise DuplicateKeyError(key, first_lines[key], line)
                first_lines[key] = line
            except TypeError:  # an unhashable key: SafeLoader refuses it with its own error
                continue


def load_plan_yaml(text: str) -> tuple[Any, bool]:
    """Parse `text` as one YAML document; returns the data and whether it used aliases.

    Raises DuplicateKeyError for a key given twice in a mapping, and yaml.YAMLError for any other
    syntax problem.
    """
    loader = PlanLoader(text)
    try:
        return loader.get_single_data(), loader.uses_aliases
    finally:
        loader.dispose()
