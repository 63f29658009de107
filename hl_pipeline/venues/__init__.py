"""Other exchanges through ccxt: venue names, clients, the coin mapping, request windows, normalising."""
