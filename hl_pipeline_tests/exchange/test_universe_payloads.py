from hl_pipeline.exchange.universe_payloads import parse_all_mids, parse_meta, parse_meta_and_asset_ctxs
from hl_pipeline_tests.exchange.recordings import json_file, response


def test_meta_recording_has_28_assets_indexed_by_position():
    req, body = response("test_get_info", "meta")
    meta = parse_meta(body, req)
    assert len(meta.universe) == 28
    btc, kpepe = meta.universe[0], meta.asset("kPEPE")
    assert kpepe is not None
    assert (btc.asset_id, btc.name, btc.sz_decimals, btc.max_leverage, btc.is_delisted) == (
        0,
        "BTC",
        5,
        50,
        False,
    )
    assert kpepe.asset_id == 15 and kpepe.sz_decimals == 0
    assert meta.names[-1] == "APT"


def test_meta_and_asset_ctxs_testnet_recording():
    meta, ctxs = parse_meta_and_asset_ctxs(json_file("goat_sdk_testnet/metaAndAssetCtxs.json"))
    assert len(meta.universe) == len(ctxs) == 142
    assert meta.universe[0].name == "SOL" and meta.universe[0].max_leverage == 3
    first = ctxs[0]
    assert first.funding == 0.0000125 and first.open_interest == 7029.78 and first.day_base_vlm == 11482.64
    assert first.impact_pxs == (200.4, 200.62) and first.mid_px == 200.51
    quiet = [c for c in ctxs if c.mid_px is None]
    assert len(quiet) == 11 and all(c.impact_pxs is None and c.premium is None for c in quiet)
    assert sum(a.only_isolated for a in meta.universe) == 11


def test_all_mids_recordings():
    req, body = response("test_get_all_mids", "allMids")
    mids = parse_all_mids(body, req)
    assert len(mids) == 28 and all(isinstance(v, float) and v > 0 for v in mids.values())
    testnet = parse_all_mids(json_file("goat_sdk_testnet/allMids.json"))
    assert len(testnet) == 1203 and testnet["@107"] == 100.0
