"""``python -m snanalys.reporting.templates``: install the page template for nbconvert (see ``install``)."""

import sys

from snanalys.reporting.templates import install

if __name__ == "__main__":
    print(f"snanalys: nbconvert template snanalys_page at {install(sys.prefix)}")
