"""CSV time series: a time column, channels, optional trial and condition columns."""

import numpy as np
import pytest

from engine.datasets import DataFileError, load_file
from engine.registry import get


def _write(tmp_path, text, name="series.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_trials_and_conditions_are_read_and_rows_sorted(tmp_path):
    lines = ["trial,time (s),a,b,condition"]
    for trial, cond in ((2, "right"), (1, "left")):
        for t in (0.2, 0.0, 0.1):  # out of order in the file
            lines.append(f"{trial},{t},{trial * 10 + t},{-t},{cond}")
    ds = load_file(_write(tmp_path, "\n".join(lines)))
    s = ds.series
    assert ds.feature_names == ("a", "b") and s.n_trials == 2 and s.n_conditions == 2
    np.testing.assert_array_equal(s.time, [0.0, 0.1, 0.2] * 2)
    np.testing.assert_allclose(ds.X[:, 0], [10, 10.1, 10.2, 20, 20.1, 20.2])
    assert [ds.target_names[c] for c in s.trial_conditions()] == ["left", "right"]
    np.testing.assert_array_equal(ds.y, s.condition)
    assert "time from column 'time (s)'" in ds.note and "2 trials" in ds.note


def test_without_a_trial_column_the_file_is_one_trial(tmp_path):
    ds = load_file(_write(tmp_path, "time,x,y\n0,1,2\n1,3,4\n2,5,6\n"))
    assert ds.series.n_trials == 1 and ds.X.shape == (3, 2) and ds.y is None
    assert "one trial" in ds.note


def test_times_that_go_back_name_the_line(tmp_path):
    with pytest.raises(DataFileError, match=r"line 3: repeats a time") as err:
        load_file(_write(tmp_path, "trial,time,x\n0,0,1\n0,0,2\n"))
    assert err.value.line == 3


def test_a_time_feature_that_does_not_increase_leaves_a_plain_table(tmp_path):
    """A clinical table's follow-up time is a feature, not a clock: the table loads as it did
    before time series existed, and its note says how to make it a series."""
    ds = load_file(_write(tmp_path, "# a cohort\nage,time,x\n60,1,2\n70,0.5,3\n"))
    assert ds.series is None and ds.feature_names == ("age", "time", "x")
    assert "line 4: 0.5 after 1" in ds.note and "add a trial column" in ds.note
    with pytest.raises(ValueError, match="column 'time' does not increase"):
        get("lds").resolve(ds, {"n_latents": 1})  # the method says why, too


def test_a_label_that_changes_within_a_trial_is_a_class_per_bin(tmp_path):
    text = "time,x,y,activity\n0,1,2,walk\n1,2,3,walk\n2,3,4,run\n3,4,5,walk\n"
    ds = load_file(_write(tmp_path, text))
    assert ds.series.n_trials == 1 and ds.series.condition_names == ("all",)
    assert ds.target_names == ("run", "walk") and ds.y.tolist() == [1, 1, 0, 1]
    assert "a class per time bin from 'activity'" in ds.note


def test_a_trial_that_changes_condition_names_the_line(tmp_path):
    text = "trial,time,x,condition\n0,0,1,a\n0,1,2,a\n0,2,3,b\n"
    with pytest.raises(DataFileError, match="line 4: trial 0 changes condition"):
        load_file(_write(tmp_path, text))


def test_a_short_name_that_does_not_increase_is_no_time(tmp_path):
    ds = load_file(_write(tmp_path, "t,x\n3,1\n1,2\n2,3\n"))
    assert ds.series is None and ds.feature_names == ("t", "x")


def test_the_lds_runs_on_a_loaded_series(tmp_path):
    from engine.protocol import run_to_end
    from engine.timeseries.lds import LDS

    rng = np.random.default_rng(0)
    rows = ["trial,time," + ",".join(f"ch{j}" for j in range(5))]
    for trial in range(3):
        z = np.cumsum(rng.normal(size=20))
        for t in range(20):
            rows.append(f"{trial},{t}," + ",".join(f"{z[t] * (j + 1) + rng.normal():.4f}"
                                                   for j in range(5)))
    ds = load_file(_write(tmp_path, "\n".join(rows)))
    snap = run_to_end(LDS(), ds, {"n_latents": 1, "max_iter": 10})
    assert snap.coords.shape == (60, 1) and snap.planted is None


def test_a_condition_column_of_words_may_stand_anywhere(tmp_path):
    text = ("trial,time,condition,ch1,ch2\n0,0,left,1,2\n0,1,left,2,3\n"
            "1,0,right,1,1\n1,1,right,0,2\n")
    ds = load_file(_write(tmp_path, text))
    assert ds.feature_names == ("ch1", "ch2")
    assert ds.series.condition_names == ("left", "right")
    assert ds.series.trial_conditions().tolist() == [0, 1]
