"""Shard slices, the per-IP WebSocket limits checked at start, the send window, and the heartbeat
verdict over shard folders (pure logic, no collector running)."""

import json
import time

import pytest

from hl_pipeline.cli import main
from hl_pipeline.collector.freshness import read_heartbeat_verdict
from hl_pipeline.collector.shards import SlidingWindow, assign, check_limits, parse_shard
from hl_pipeline.errors import ConfigError

COINS = [f"C{i:03d}" for i in range(120)]


def test_slices_are_disjoint_cover_every_coin_and_do_not_depend_on_order():
    slices = assign(COINS, 3)
    assert sorted(c for s in slices for c in s) == sorted(COINS)
    assert {len(s) for s in slices} == {40}
    assert assign(list(reversed(COINS)) + COINS[:5], 3) == slices  # order and repeats do not matter
    assert assign(["ETH", "BTC", "SOL"], 2) == [["BTC", "SOL"], ["ETH"]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2/2", "bad --shard '2/2'"),
        ("1", "bad --shard '1'"),
        ("a/b", "bad --shard 'a/b'"),
        ("-1/2", "'-1/2'"),
    ],
)
def test_a_bad_shard_names_the_option_and_value(text, message):
    with pytest.raises(ConfigError, match=message):
        parse_shard(text)


def test_the_limits_name_their_numbers():
    with pytest.raises(ConfigError, match=r"11 collector shards need 11 WebSocket connections; .* allows 10"):
        check_limits(COINS, 11, 20.0)
    many = [f"C{i}" for i in range(501)]
    with pytest.raises(ConfigError, match=r"501 coins x 2 streams .* = 1002 subscriptions; .* allows 1000"):
        check_limits(many, 2, 20.0)
    # 400 coins on 2 shards: 400 subscribes + 3 pings a minute each, inside 1000 each
    assert [len(s) for s in check_limits(many[:400], 2, 20.0)] == [200, 200]
    # on 10 shards each may send 200 a minute: 40 coins send 80 subscribes + 3 pings; 0.4 s pings 150
    check_limits(many[:400], 10, 20.0)
    with pytest.raises(ConfigError, match=r"sends 230 messages in a minute .* 10 shards may send 200 each"):
        check_limits(many[:400], 10, 0.4)
    with pytest.raises(ConfigError, match="3 shards for 2 coins: shard 2/3 would have no coin"):
        check_limits(["BTC", "ETH"], 3, 20.0)


def test_the_command_refuses_too_many_shards_before_connecting(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HL_API_URL", "http://127.0.0.1:9")  # nothing listens: it must not get that far
    coins = ",".join(COINS[:20])
    code = main(
        ["collect", "--coins", coins, "--shard", "0/12", "--landing", str(tmp_path), "--seconds", "1"]
    )
    assert code == 2
    assert "12 collector shards need 12 WebSocket connections; Hyperliquid allows 10 per IP" in (
        capsys.readouterr().err
    )
    assert not list(tmp_path.iterdir())


def test_the_window_holds_at_most_its_limit_in_any_minute():
    now = [0.0]
    window = SlidingWindow(10, 60.0, clock=lambda: now[0])
    assert window.wait_for(8) == 0
    window.record(8)
    now[0] = 30.0
    assert window.wait_for(2) == 0
    window.record(2)
    assert window.wait_for(1) == pytest.approx(30.0)  # the first 8 leave the window at 60 s
    now[0] = 60.0
    assert window.wait_for(8) == 0 and window.wait_for(9) == pytest.approx(30.0)
    with pytest.raises(ValueError, match="11 events can never fit a limit of 10"):
        window.wait_for(11)


def _beat(folder, age, now):
    folder.mkdir(parents=True, exist_ok=True)
    state = {"time": now - age, "channels": {"trades": {"messages": 5, "last_message": now - age}}}
    (folder / "heartbeat.json").write_text(json.dumps(state))


def test_the_heartbeat_verdict_needs_every_shard_of_the_newest_sharding(tmp_path):
    now = time.time()
    _beat(tmp_path / "shard-0-of-1", 5000, now)  # a retired sharding: ignored
    _beat(tmp_path / "shard-0-of-2", 1, now)
    passed, text, _ = read_heartbeat_verdict(tmp_path, now, 120)
    assert not passed and "shard-1-of-2: no heartbeat file" in text
    _beat(tmp_path / "shard-1-of-2", 300, now)
    passed, text, details = read_heartbeat_verdict(tmp_path, now, 120)
    assert not passed and text.startswith("shard-1-of-2: heartbeat is 300 s old")
    assert set(details["shards"]) == {"shard-0-of-2", "shard-1-of-2"}
    _beat(tmp_path / "shard-1-of-2", 2, now)
    assert read_heartbeat_verdict(tmp_path, now, 120)[:2] == (
        True,
        "2 collector shards, every heartbeat fresh",
    )
