"""A lesson: a session that opens ready to step, with a title, a family and a teacher's notes.

The file wraps a session dict rather than repeating its fields:

    {"format": "unsupervised-explorer-lesson", "version": 1, "title": "…",
     "family": "Clustering", "notes": "…", "session": {…a session dict…}}

The session inside is read by engine.session, so its checks and its messages are the same;
a problem there is reported as `session.<field>`. A lesson never runs on opening (its `ran` is
always false): the class steps through it. The built-in lessons are the files in a folder the
caller names (resources/lessons/ from the window), the user's in another; neither is found here,
so this module needs no Qt.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from engine import registry
from engine import session as sessions
from engine.session import Session, SessionError

FORMAT = "unsupervised-explorer-lesson"
VERSION = 1
SUFFIX = ".json"
TITLE_MAX = 120


@dataclass(frozen=True)
class Lesson:
    title: str
    family: str
    notes: str
    session: Session
    path: Path | None = None  # the file it came from, if any

    @property
    def name(self) -> str:
        """The file's name without `.json`: how `--lesson NAME` finds a built-in lesson."""
        return self.path.name[:-len(SUFFIX)] if self.path else slug(self.title)

    def to_dict(self) -> dict:
        return {"format": FORMAT, "version": VERSION, "title": self.title,
                "family": self.family, "notes": self.notes,
                "session": self.session.to_dict()}


def make(title: str, family: str, notes: str, session: Session) -> Lesson:
    """A lesson from the window's state: checked like a file, never run on opening, no model."""
    return from_dict({"format": FORMAT, "version": VERSION, "title": title, "family": family,
                      "notes": notes, "session": replace(session, ran=False,
                                                         model=None).to_dict()})


def to_json(lesson: Lesson) -> str:
    return json.dumps(lesson.to_dict(), indent=1, allow_nan=False, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- reading


def _text(d: Mapping, key: str, optional: bool = False) -> str:
    value = d.get(key, "" if optional else None)
    if value is None:
        raise SessionError("is missing", key)
    if not isinstance(value, str):
        raise SessionError(f"should be text, not {type(value).__name__}", key)
    return value


def _title(d: Mapping) -> str:
    title = " ".join(_text(d, "title").split())
    if not title:
        raise SessionError("is empty: a lesson needs a title for the menu", "title")
    if len(title) > TITLE_MAX:
        raise SessionError(f"is too long for a menu ({len(title)} characters; at most "
                           f"{TITLE_MAX})", "title")
    return title


def _family(d: Mapping) -> str:
    family = _text(d, "family")
    if family not in registry.FAMILIES:
        raise SessionError(f"should be one of {', '.join(registry.FAMILIES)}; not {family!r}",
                           "family")
    return family


def _session(d: Mapping) -> Session:
    inner = d.get("session")
    if not isinstance(inner, dict):
        raise SessionError("should be a session (an object with dataset, method and view)",
                           "session")
    # written by hand, a built-in lesson may leave out the session's own format and version
    full = {"format": sessions.FORMAT, "version": sessions.VERSION, **inner}
    try:
        session = sessions.from_dict(full)
    except SessionError as exc:
        raise SessionError(exc.message, f"session.{exc.field}" if exc.field else "session"
                           ) from None
    return replace(session, ran=False, model=None)


def from_dict(d: Any, path: Path | None = None) -> Lesson:
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise SessionError(f"this is not an Unsupervised Explorer lesson (its \"format\" "
                           f"field should be {FORMAT!r})", "format")
    version = d.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SessionError(f"should be a whole number, not {version!r}", "version")
    if version > VERSION:
        raise SessionError(f"the lesson was saved by a newer version of the program (lesson "
                           f"format {version}; this one reads up to {VERSION})", "version")
    return Lesson(_title(d), _family(d), _text(d, "notes", optional=True), _session(d), path)


def read(path: str | os.PathLike) -> Lesson:
    """A lesson from a file; every problem is a SessionError naming the file and the field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SessionError("this is not a lesson: it is not text (UTF-8)",
                           where=path.name) from None
    except OSError as exc:
        raise SessionError(f"cannot read it: {exc.strerror or exc}", where=path.name) from None
    try:
        d = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SessionError(f"not valid JSON: {exc.msg} (line {exc.lineno}, column "
                           f"{exc.colno})", where=path.name) from None
    try:
        return from_dict(d, path)
    except SessionError as exc:
        raise exc.located(path.name) from None


def scan(folder: str | os.PathLike) -> tuple[list[Lesson], list[SessionError]]:
    """Every lesson in a folder, by file name, and what was wrong with the files that are not;
    a missing folder holds none."""
    folder = Path(folder)
    if not folder.is_dir():
        return [], []
    lessons, errors = [], []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            lessons.append(read(path))
        except SessionError as exc:
            errors.append(exc)
    return lessons, errors


def by_family(lessons: list[Lesson]) -> dict[str, list[Lesson]]:
    """The lessons under each family, in the registry's order of families."""
    out: dict[str, list[Lesson]] = {f: [] for f in registry.FAMILIES}
    for lesson in lessons:
        out[lesson.family].append(lesson)
    return out


def find(lessons: list[Lesson], name: str) -> Lesson | None:
    """A lesson by its file name (without .json) or its title, ignoring case."""
    key = name.casefold()
    for lesson in lessons:
        if key in (lesson.name.casefold(), lesson.title.casefold()):
            return lesson
    return None


# ---------------------------------------------------------------- writing


def slug(title: str) -> str:
    """A file name from a title: lower case, letters and digits joined by hyphens."""
    words = re.findall(r"\w+", title.casefold())
    return "-".join(words)[:60].strip("-_") or "lesson"


def write(lesson: Lesson, folder: str | os.PathLike) -> Path:
    """Save a lesson in `folder` (made if need be) under a new name from its title; an
    existing lesson is never overwritten. Returns the file's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = slug(lesson.title)
    path = folder / f"{stem}{SUFFIX}"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}{SUFFIX}"
        n += 1
    sessions.write_text(path, to_json(lesson))
    return path
