"""A subprocess that writes articles into a store and says which ones are committed.

    python tests/store_writer.py URL PREFIX COUNT

Prints ``committed <source_id> <claims>`` (flushed) after each `add_briefing` returns, so a parent
that kills it with SIGKILL knows exactly what must be in the store.
"""

from __future__ import annotations

import sys

from store_data import week

from toolkit.store import ClaimStore


def main() -> None:
    url, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    articles = week()
    with ClaimStore.open(url) as store:
        for i in range(count):
            _, day, text, b = articles[i % len(articles)]
            sid = f"{prefix}-{i}"
            # a distinct text per article, so each is a new article (the key is id + text hash)
            body = text + f"\n{sid}"
            store.add_briefing(b, body, source_id=sid, published=day)
            print(f"committed {sid} {len(b.claims)}", flush=True)


if __name__ == "__main__":
    main()
