import asyncio

from golden_harness import Seam

from movex.streams import Reader

GOLDEN_SEAM = Seam(
    "streams",
    covers=[
        "movex.streams:Reader.fetch",
        "movex.streams:Reader.lines",
        "movex.streams:Reader.numbered",
    ],
)

TEXT = "first\n\n  second  \nthird"


def test_fetch(golden):
    golden.fake("source.get", returns={"value": 42})
    reader = Reader(golden.fake("source"))
    golden.call(lambda key: asyncio.run(reader.fetch(key, retries=2)), "k-1")


def test_lines(golden):
    golden.call(lambda text: list(Reader(None).lines(text)), TEXT)


def test_numbered_returns_its_count(golden):
    golden.call(Reader(None).count_numbered, TEXT)
