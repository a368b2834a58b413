"""An upload handler that notes every file Django starts to parse, for tests that
prove a body with files was never parsed (settings.FILE_UPLOAD_HANDLERS)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler

HANDLERS = ["common.tests.upload_recorder.RecordingUploadHandler"]


class RecordingUploadHandler(FileUploadHandler):
    started: list[str] = []

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        RecordingUploadHandler.started.append(file_name)
        super().new_file(field_name, file_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        return None  # dropped: nothing is kept, in memory or on disk

    def file_complete(self, file_size: int) -> None:
        return None
