import pytest

from hl_pipeline.exchange.networks import resolve_base_url


@pytest.mark.parametrize(
    "given, url",
    [
        ("mainnet", "https://api.hyperliquid.xyz"),
        ("testnet", "https://api.hyperliquid-testnet.xyz"),
        (" Mainnet ", "https://api.hyperliquid.xyz"),
        ("http://127.0.0.1:8787/", "http://127.0.0.1:8787"),
        ("https://example.org/hl", "https://example.org/hl"),
    ],
)
def test_resolves_names_and_urls(given, url):
    assert resolve_base_url(given) == url


@pytest.mark.parametrize("bad", ["mainet", "", "ftp://x", "127.0.0.1:8787", "http://"])
def test_rejects_anything_else_naming_it(bad):
    with pytest.raises(ValueError) as err:
        resolve_base_url(bad)
    assert repr(bad) in str(err.value) and "mainnet" in str(err.value) and "testnet" in str(err.value)
