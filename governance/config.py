"""The configuration folder: every declarative file, its bundled default, and typed loading.

shopgov reads each declarative file from ``$SHOPGOV_HOME/config/`` when it is there, else
from the defaults bundled in the package (``governance/defaults/``, the same layout)::

    config/
      catalog.yaml        tables: contracts and business metadata     governance.catalog
      suites/*.yaml       check suites (the whole folder replaces the defaults)  governance.check_suites
      roles.yaml          who may see and do what                     governance.access
      maturity.yaml       the maturity model and its calibration      assess.maturity.config
      notifications.yaml  where failure notifications go              governance.notify
      spark.yaml          the Spark engine's master and settings      governance.spark_engine
      mappings/*.yaml     how to read a team's exports (no defaults)  governance.mapping
      users.yaml          dashboard users (written by `shopgov users`, never a default)

Every file is parsed by one pydantic model owned by the module on the right
(``extra="forbid"``): :func:`load_model` turns a validation error into a
:class:`ConfigError` naming the file, the key path and the line (the CLI exits 2).
"""

from __future__ import annotations

import difflib
import filecmp
import hashlib
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import UsageError
from .paths import Home, bundled

DEFAULTS = bundled("governance", "defaults")

M = TypeVar("M", bound=BaseModel)
_TAG = re.compile(r"^[\w-]*\[.*\]$")


class Strict(BaseModel):
    """Base of every configuration model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class ConfigFile:
    """One entry of the configuration folder."""

    name: str
    description: str
    folder: bool = False  # a folder of *.yaml files
    bundled: bool = True  # has a default in the package


CONFIG_FILES: tuple[ConfigFile, ...] = (
    ConfigFile("catalog.yaml", "tables: contracts and business metadata"),
    ConfigFile("suites", "check suites, one per file", folder=True),
    ConfigFile("roles.yaml", "roles, actions and page access"),
    ConfigFile("maturity.yaml", "maturity model: domains, indicators, anchors, gates, caps"),
    ConfigFile("notifications.yaml", "failure notifications (webhook, Slack, e-mail)"),
    ConfigFile("spark.yaml", "Spark engine: master and settings (check --engine spark)"),
    ConfigFile("mappings", "column mappings for exports", folder=True, bundled=False),
)


def spec(name: str) -> ConfigFile:
    for f in CONFIG_FILES:
        if f.name == name:
            return f
    raise KeyError(name)


# ---------------------------------------------------------------------------- errors
class ConfigError(UsageError):
    """A configuration file is invalid. ``problems`` are (key path, line, message)."""

    def __init__(self, file: Path | str, problems: list[tuple[str, int | None, str]]):
        self.file = str(file)
        self.problems = problems
        lines = []
        for key, line, msg in problems[:20]:
            where = f"{self.file}:{line}" if line else self.file
            lines.append(f"{where}: {key}: {msg}" if key else f"{where}: {msg}")
        if len(problems) > 20:
            lines.append(f"{self.file}: ... and {len(problems) - 20} more problems")
        super().__init__("\n".join(lines))


# ---------------------------------------------------------------------------- YAML with lines
#: PyYAML's safe loader, in C (libyaml) where PyYAML was built with it: the same documents and
#: line marks, parsed about ten times faster (a check run reads every suite file).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse ``path``; returns the data and its node tree (for line numbers)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(path, [("", None, "file not found")]) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(path, [("", None, f"cannot read: {e}")]) from None
    try:
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader (libyaml's when built with it)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or str(e)
        raise ConfigError(path, [("", mark.line + 1 if mark else None, f"not valid YAML: {problem}")]) from None
    return data, node


def line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the value at key path ``loc`` (or of the nearest parent found)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if str(k.value) == str(key):
                    line, node = k.start_mark.line + 1, v
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def key_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class KeyProblem(ValueError):
    """Raised by a model validator to report a problem at a key *below* the model it validates.

    ``loc`` is relative to that model (e.g. ``("indicators", 0, "item")``), so a cross-reference
    check made where both ends are known still names the exact key and line.
    """

    def __init__(self, loc: tuple[Any, ...], message: str):
        super().__init__(message)
        self.loc = tuple(loc)


def _message(err: dict[str, Any]) -> str:
    if err["type"] == "extra_forbidden":
        key = str(err["loc"][-1]) if err["loc"] else ""
        if " " in key or key.endswith((".", ")")):
            # `{description: a, b}`: YAML splits an unquoted flow value at the comma
            return ("unknown key: it looks like the rest of a value cut at a comma inside {...}; "
                    "quote that value (older releases silently dropped the rest)")
        return "unknown key (check its spelling)"
    if err["type"] == "missing":
        return "required key is missing"
    if err["type"] == "value_error":  # a validator's own message, without pydantic's prefix
        return str(err["ctx"]["error"]) if "error" in (err.get("ctx") or {}) else str(err["msg"])
    value = err.get("input")
    if isinstance(value, str | int | float | bool) and not isinstance(value, dict):
        return f"{err['msg']} (got {value!r})"
    return str(err["msg"])


def clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """``loc`` without the union / validator tags pydantic inserts ('function-after[...]', '[key]')."""
    return tuple(p for p in loc if isinstance(p, int) or not _TAG.match(str(p)))


def validation_problems(e: ValidationError, node: yaml.Node | None,
                        prefix: tuple[Any, ...] = ()) -> list[tuple[str, int | None, str]]:
    """pydantic errors as (key path, line, message), skipping pydantic's internal loc parts."""
    out = []
    for err in e.errors():
        loc = prefix + clean_loc(err["loc"])
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, KeyProblem):
            loc, msg = loc + cause.loc, str(cause)
        else:
            msg = _message(err)
        out.append((key_path(loc), line_of(node, loc), msg))
    return out


Check = Callable[[Any], list[tuple[tuple[Any, ...], str]]]


def load_model(path: Path, model: type[M], *, context: dict[str, Any] | None = None,
               checks: Check | None = None) -> M:
    """Read ``path`` and validate it with ``model``; errors name the file, key path and line.

    ``checks(spec)`` may return further problems as (key path tuple, message), for rules that
    need the position of the offending entry (duplicate ids, references to other files).
    """
    data, node = read_yaml(path)
    if data is None:
        data = {}
    try:
        spec = model.model_validate(data, context=context)
    except ValidationError as e:
        raise ConfigError(path, validation_problems(e, node)) from None
    problems = checks(spec) if checks else []
    if problems:
        raise ConfigError(path, [(key_path(loc), line_of(node, loc), msg) for loc, msg in problems])
    return spec


# ---------------------------------------------------------------------------- resolution
def default_path(name: str) -> Path:
    return DEFAULTS / name


def home_path(home: Home, name: str) -> Path:
    return home.config / name


def _has_yaml(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob("*.yaml"))


def resolve(home: Home | None, name: str) -> Path:
    """The file (or folder) shopgov reads for ``name``: the home's copy, else the default."""
    f = spec(name)
    if home is not None:
        own = home_path(home, name)
        if (f.folder and own.is_dir() and (_has_yaml(own) or not f.bundled)) or (not f.folder and own.is_file()):
            return own
    return default_path(name)


def is_customised(home: Home | None, name: str) -> bool:
    return home is not None and resolve(home, name) != default_path(name)


def folder_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def resolved_files(home: Home | None) -> Iterator[tuple[str, Path]]:
    """Every configuration file in effect, as (name relative to config/, path)."""
    for f in CONFIG_FILES:
        where = resolve(home, f.name)
        if f.folder:
            for p in folder_files(where):
                yield f"{f.name}/{p.name}", p
        elif where.is_file():
            yield f.name, where


def fingerprint(home: Home | None) -> str:
    """sha256 over every configuration file in effect (names and contents)."""
    h = hashlib.sha256()
    for name, path in resolved_files(home):
        h.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).hexdigest().encode() + b"\n")
    return h.hexdigest()


# ---------------------------------------------------------------------------- init / diff
@dataclass(frozen=True)
class InitAction:
    name: str
    action: str  # created | unchanged | kept (differs from the default)


def init_config(home: Home) -> list[InitAction]:
    """Copy the bundled defaults into ``home.config``, never overwriting a file already there.

    A folder (``suites/``) is copied only when the home has none yet, so suites a team
    removed on purpose do not come back.
    """
    home.config.mkdir(parents=True, exist_ok=True)
    out: list[InitAction] = []
    for f in CONFIG_FILES:
        own = home_path(home, f.name)
        if not f.bundled:
            own.mkdir(parents=True, exist_ok=True)
            continue
        src = default_path(f.name)
        if f.folder:
            if own.is_dir() and _has_yaml(own):
                out.append(InitAction(f.name + "/", "kept"))
                continue
            own.mkdir(parents=True, exist_ok=True)
            for p in folder_files(src):
                shutil.copyfile(p, own / p.name)
                out.append(InitAction(f"{f.name}/{p.name}", "created"))
        elif own.exists():
            same = filecmp.cmp(own, src, shallow=False)
            out.append(InitAction(f.name, "unchanged" if same else "kept"))
        else:
            shutil.copyfile(src, own)
            out.append(InitAction(f.name, "created"))
    return out


@dataclass(frozen=True)
class Difference:
    name: str
    status: str  # changed | added | removed
    diff: str  # unified diff (empty for added/removed folders entries)


def _read(p: Path) -> list[str]:
    return p.read_text(encoding="utf-8").splitlines(keepends=True)


def diff_config(home: Home) -> list[Difference]:
    """What the home's configuration changes against the bundled defaults."""
    out: list[Difference] = []
    for f in CONFIG_FILES:
        if not f.bundled or not is_customised(home, f.name):
            continue
        own, src = resolve(home, f.name), default_path(f.name)
        pairs: list[tuple[str, Path | None, Path | None]]
        if f.folder:
            mine = {p.name: p for p in folder_files(own)}
            theirs = {p.name: p for p in folder_files(src)}
            pairs = [(f"{f.name}/{n}", theirs.get(n), mine.get(n)) for n in sorted(set(mine) | set(theirs))]
        else:
            pairs = [(f.name, src, own)]
        for name, a, b in pairs:
            if a is None and b is not None:
                out.append(Difference(name, "added", "".join(
                    difflib.unified_diff([], _read(b), "/dev/null", f"config/{name}"))))
            elif b is None and a is not None:
                out.append(Difference(name, "removed", ""))
            elif a is not None and b is not None and not filecmp.cmp(a, b, shallow=False):
                out.append(Difference(name, "changed", "".join(
                    difflib.unified_diff(_read(a), _read(b), f"default/{name}", f"config/{name}"))))
    return out
