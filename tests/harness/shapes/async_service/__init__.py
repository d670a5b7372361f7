"""An asyncio service: a client awaited per item, a retry with ``asyncio.sleep``, an asyncio subprocess."""
