"""The request class: upload buffers are closed even when the body stopped half-way."""

from typing import IO

from flask import Request


class UploadClosingRequest(Request):
    """A request that closes every buffer it opened for uploaded files when it ends.

    Werkzeug closes the files of a fully parsed form only: when the client goes away in the
    middle of a file, the buffer being filled (a temporary file for a large upload) is
    dropped unclosed and waits for the garbage collector.
    """

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        stream = super()._get_file_stream(
            total_content_length, content_type, filename, content_length
        )
        self.__dict__.setdefault("_upload_buffers", []).append(stream)
        return stream

    def close(self) -> None:
        """Close the uploaded files and any buffer a cut-off upload left open."""
        super().close()
        for stream in self.__dict__.pop("_upload_buffers", ()):
            stream.close()
