from pathlib import Path
from directory.sync.report import SyncReport


def sync_hr(path: Path, **kwargs: object) -> SyncReport:
    raise NotImplementedError
