"""The staff's workbook in, validated rows out, every problem pinned to Sheet!Cell."""
