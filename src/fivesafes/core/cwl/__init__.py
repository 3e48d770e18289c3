"""CWL workflows as the request runs them: their interface, the job built from the request's
inputs, and the files named in an engine's output object. Pure: parsed documents in, values
out; reading crates and talking to engines is the executors' job."""
