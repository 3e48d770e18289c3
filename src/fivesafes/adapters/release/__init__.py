"""Release zips: the writer, the streaming reader, verify, and where releases go."""
