"""Bad input to `hl-pipeline backfill`: a clear error naming the value, exit 2, nothing written."""

import pytest

from hl_pipeline.cli import main


@pytest.mark.parametrize(
    "args, named",
    [
        (["--start", "2024-02-30", "--end", "2024-02-29"], "2024-02-30"),
        (["--start", "2024-02-29", "--end", "2024-02-28"], "after end"),
        (["--start", "2023-06-01", "--end", "2023-06-02"], "before the first partition"),
        (["--start", "2024-02-29", "--end", "2024-03-05"], "after today"),
        (["--start", "2024-02-29", "--end", "2024-02-29", "--coins", "BTC,BTCC"], "did you mean"),
        (["--start", "2024-02-29", "--end", "2024-02-29", "--coins", "BTC,,ETH"], "BTC,,ETH"),
        (["--start", "2024-02-29", "--end", "2024-02-29", "--intervals", "1m,2m"], "2m"),
    ],
)
def test_bad_backfill_input(pipeline_env, capsys, args, named):
    assert main(["backfill", *args]) == 2
    err = capsys.readouterr().err
    assert "error" in err and named in err
    assert not pipeline_env.exists()
