"""A YAML reader that remembers the line of every value, for error messages.

Values are plain Python data (dict, list, str, int, float, bool, None). Following YAML
1.2, only ``true``/``false`` are booleans: ``yes``, ``no`` and ``on`` stay strings (an
option called ``no`` must not turn into ``False``), and dates stay strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from railab.toolkit._errors import InstrumentError, Problem

__all__ = ["Path", "YamlDocument", "parse_yaml"]

Path = tuple[str | int, ...]

_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and no implicit timestamps."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))


@dataclass(frozen=True)
class YamlDocument:
    """Parsed data and the 1-based line where each value (by path) starts."""

    data: Any
    lines: dict[Path, int]

    def line(self, path: Path) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            found = self.lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return None


def _scalar(node: yaml.ScalarNode, loader: _Loader) -> Any:
    return loader.construct_object(node, deep=True)


def _convert(
    node: yaml.Node, path: Path, lines: dict[Path, int], loader: _Loader, source: str
) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, loader) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str | int | float | bool):
                raise InstrumentError(
                    [Problem(source, key_node.start_mark.line + 1, "", "keys must be plain text")]
                )
            key = str(key)
            if key in out:
                raise InstrumentError(
                    [
                        Problem(
                            source,
                            key_node.start_mark.line + 1,
                            key,
                            f"duplicate key {key!r} (first on line {lines[(*path, key)]}); "
                            "keep one of them",
                        )
                    ]
                )
            lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = _convert(value_node, (*path, key), lines, loader, source)
            # A value on the line after its key (a block) is better reported at the key.
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, (*path, i), lines, loader, source) for i, item in enumerate(node.value)
        ]
    assert isinstance(node, yaml.ScalarNode)
    return _scalar(node, loader)


def parse_yaml(text: str, *, source: str = "<text>") -> YamlDocument:
    """Parse one YAML document, keeping the line of every value.

    Examples
    --------
    >>> doc = parse_yaml("a: 1\\nb:\\n  - no\\n  - true\\n")
    >>> doc.data
    {'a': 1, 'b': ['no', True]}
    >>> doc.line(("b", 1))
    4
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InstrumentError([Problem(source, 1, "", "the file is empty; expected a mapping")])
        lines: dict[Path, int] = {}
        data = _convert(node, (), lines, loader, source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise InstrumentError(
            [Problem(source, line, "", f"malformed YAML: {what}; check indentation and quoting")]
        ) from None
    except yaml.YAMLError as exc:
        raise InstrumentError([Problem(source, None, "", f"malformed YAML: {exc}")]) from None
    finally:
        loader.dispose()
    return YamlDocument(data=data, lines=lines)
