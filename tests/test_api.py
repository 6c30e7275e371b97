import eventcode


def test_api_all_is_sorted_and_importable() -> None:
    assert eventcode.__all__ == sorted(eventcode.__all__)
    for name in eventcode.__all__:
        assert hasattr(eventcode, name), name
