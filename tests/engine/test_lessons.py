"""Lesson files: every built-in lesson is valid and its parameters fit its data; a saved lesson
reads back the same; a broken file names the file and the field."""

import json
from pathlib import Path

import pytest

from engine import lessons, registry
from engine.session import GeneratedData, Session, SessionError, ViewSettings

BUILTIN = Path(__file__).resolve().parents[2] / "resources" / "lessons"


def _builtin() -> list[lessons.Lesson]:
    found, errors = lessons.scan(BUILTIN)
    assert not errors, [str(e) for e in errors]
    return found


def test_every_family_has_a_built_in_lesson():
    families = {lesson.family for lesson in _builtin()}
    assert families == set(registry.by_family())
    assert len(_builtin()) == len(list(BUILTIN.glob("*.json")))


@pytest.mark.parametrize("lesson", _builtin(), ids=lambda lesson: lesson.name)
def test_a_built_in_lesson_fits_its_data(lesson):
    algorithm = registry.get(lesson.session.method)
    assert algorithm.family == lesson.family
    assert not lesson.session.ran and lesson.session.model is None
    assert 3 <= len(lesson.notes.splitlines()) <= 6, "a few lines for the teacher"
    dataset = lesson.session.data.load()
    params = algorithm.resolve(dataset, lesson.session.params)
    assert set(lesson.session.params) == set(params), "every parameter written out"


def _lesson(**over) -> dict:
    d = {"format": lessons.FORMAT, "version": 1, "title": "T", "family": "Clustering",
         "notes": "n", "session": {"dataset": {"kind": "builtin", "name": "iris"},
                                   "method": {"id": "kmeans", "params": {"n_clusters": 3}}}}
    d.update(over)
    return d


def _error(tmp_path, content) -> str:
    path = tmp_path / "broken.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    with pytest.raises(SessionError) as info:
        lessons.read(path)
    return str(info.value)


@pytest.mark.parametrize("content, says", [
    ("{not json", "broken.json: not valid JSON"),
    (_lesson(format="unsupervised-explorer-session"), "broken.json: format: this is not"),
    (_lesson(version=99), "broken.json: version: the lesson was saved by a newer"),
    (_lesson(title="  "), "broken.json: title: is empty"),
    (_lesson(family="Magic"), "broken.json: family: should be one of Clustering"),
    (_lesson(notes=3), "broken.json: notes: should be text"),
    (_lesson(session=[]), "broken.json: session: should be a session"),
    (_lesson(session={"dataset": {"kind": "builtin", "name": "iris"},
                      "method": {"id": "kmeans", "params": {"n_clusters": 0}}}),
     "broken.json: session.method.params.n_clusters:"),
    (_lesson(session={"dataset": {"kind": "generator", "name": "nope", "options": {}},
                      "method": {"id": "kmeans", "params": {}}}),
     "broken.json: session.dataset.name: no generator 'nope'"),
    (_lesson(session={"dataset": {"kind": "builtin", "name": "iris"},
                      "method": {"id": "telepathy", "params": {}}}),
     "broken.json: session.method.id: no algorithm 'telepathy'"),
])
def test_a_broken_lesson_names_the_file_and_the_field(tmp_path, content, says):
    assert _error(tmp_path, content).startswith(says)


def test_a_saved_lesson_reads_back_never_run_and_without_a_model(tmp_path):
    session = Session(GeneratedData("moons", {"n_samples": 40, "noise": 0.1, "seed": 2}),
                      "agglomerative", {"linkage": "single", "n_clusters": 2},
                      ViewSettings("pca", timeline=3, cut_k=2), ran=True)
    lesson = lessons.make("  My   moons ", "Clustering", "line 1\nline 2", session)
    first = lessons.write(lesson, tmp_path / "mine")
    second = lessons.write(lesson, tmp_path / "mine")
    assert (first.name, second.name) == ("my-moons.json", "my-moons-2.json")
    back = lessons.read(first)
    assert (back.title, back.family, back.notes) == ("My moons", "Clustering", "line 1\nline 2")
    assert back.session.data == session.data and back.session.params == session.params
    assert not back.session.ran and back.session.model is None
    assert back.name == "my-moons" and back.path == first


def test_scan_keeps_the_good_lessons_and_reports_the_bad(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(_lesson(title="Good")))
    (tmp_path / "b.json").write_text("[]")
    found, errors = lessons.scan(tmp_path)
    assert [lesson.title for lesson in found] == ["Good"]
    assert [str(e).split(":")[0] for e in errors] == ["b.json"]
    assert lessons.scan(tmp_path / "absent") == ([], [])


def test_find_by_file_name_or_title():
    found = _builtin()
    assert lessons.find(found, "kmeans-step-by-step").title == "k-means step by step"
    assert lessons.find(found, "LINKAGE MATTERS").name == "linkage-matters"
    assert lessons.find(found, "nothing") is None
