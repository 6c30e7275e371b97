"""The codebooks shipped with eventcode, installed as the package `eventcode.codebooks_data`."""
