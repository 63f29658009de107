"""Readers for the Hyperliquid S3 archives (l2Book, asset_ctxs, node_fills_by_block).

Keys in `keys`, object sources and transfer plans in `sources`/`s3_source`, streaming LZ4
readers in `*_reader`, an archive-format writer in `writer`. No Dagster imports.
"""

from hl_pipeline.exchange.archive.asset_ctxs_reader import ASSET_CTXS_SCHEMA, read_asset_ctxs
from hl_pipeline.exchange.archive.errors import ArchiveAccessError, ArchiveFormatError, BadLine
from hl_pipeline.exchange.archive.keys import (
    ARCHIVE_BUCKET,
    NODE_DATA_BUCKET,
    ArchiveKey,
    asset_ctxs_key,
    l2_book_key,
    node_fills_key,
    parse_key,
)
from hl_pipeline.exchange.archive.l2_reader import L2_SCHEMA, read_l2_snapshots
from hl_pipeline.exchange.archive.node_fills_reader import NODE_FILLS_SCHEMA, read_node_fills
from hl_pipeline.exchange.archive.s3_source import S3Archive
from hl_pipeline.exchange.archive.sources import ArchiveObject, LocalArchive, TransferPlan
from hl_pipeline.exchange.archive.writer import L2Snapshot, l2_line, write_l2_archive, write_lz4_lines

__all__ = [
    "ARCHIVE_BUCKET",
    "ASSET_CTXS_SCHEMA",
    "L2_SCHEMA",
    "NODE_DATA_BUCKET",
    "NODE_FILLS_SCHEMA",
    "ArchiveAccessError",
    "ArchiveFormatError",
    "ArchiveKey",
    "ArchiveObject",
    "BadLine",
    "L2Snapshot",
    "LocalArchive",
    "S3Archive",
    "TransferPlan",
    "asset_ctxs_key",
    "l2_book_key",
    "l2_line",
    "node_fills_key",
    "parse_key",
    "read_asset_ctxs",
    "read_l2_snapshots",
    "read_node_fills",
    "write_l2_archive",
    "write_lz4_lines",
]
