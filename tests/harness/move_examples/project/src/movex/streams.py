"""A reader with a coroutine and generators."""

import asyncio


class Reader:
    def __init__(self, source):
        self.source = source

    async def fetch(self, key, *, retries=1):
        """Fetch one record from the source."""
        await asyncio.sleep(0)
        record = self.source.get(key, retries=retries)
        return {"key": key, **record}

    def lines(self, text):
        for line in text.splitlines():
            if line.strip():
                yield line.strip()

    def numbered(self, text):
        """Yield the lines numbered; return how many there were."""
        number = 0
        for line in text.splitlines():
            number += 1
            yield f"{number}: {line}"
        return number

    def count_numbered(self, text):
        numbered = self.numbered(text)
        lines = []
        while True:
            try:
                lines.append(next(numbered))
            except StopIteration as stop:
                return lines, stop.value
