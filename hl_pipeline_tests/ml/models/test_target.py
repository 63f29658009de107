import numpy as np
import pytest

from hl_pipeline.ml.models.target_spec import Target, directions, encode


def test_encode_maps_labels_to_codes_and_back():
    codes, classes = encode(np.array([1, -1, 0, 1]))
    assert classes.tolist() == [-1, 0, 1] and codes.tolist() == [2, 0, 1, 2]
    assert encode(np.array([0, 1, 1]), classes=np.array([0, 1]))[0].tolist() == [0, 1, 1]
    with pytest.raises(ValueError, match=r"\[2\]"):
        encode(np.array([0, 2]), classes=np.array([0, 1]))
    with pytest.raises(ValueError, match="two classes"):
        encode(np.array([1, 1]))


def test_directions_of_both_label_styles():
    assert directions(np.array([-1, 0, 1])).tolist() == [-1, 0, 1]
    assert directions(np.array([-1, 1])).tolist() == [-1, 1]
    assert directions(np.array([0, 1])).tolist() == [-1, 1]
    with pytest.raises(ValueError, match="0, 2"):
        directions(np.array([0, 2]))


def test_target_check_names_missing_columns(signal_frame):
    with pytest.raises(ValueError, match="nope"):
        Target(("f0", "nope"), "dir_15m", "fwd_ret_15m", 900_000, 15).check(signal_frame)
    with pytest.raises(ValueError, match="horizon_ms"):
        Target(("f0",), "dir_15m", "fwd_ret_15m", 0, 15).check(signal_frame)
