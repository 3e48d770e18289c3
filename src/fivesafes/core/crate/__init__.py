"""The Five Safes RO-Crate: derived from a request and its record, and checked."""
