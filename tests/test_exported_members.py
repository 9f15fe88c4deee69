"""The package's public names are exactly what ``__all__`` promises."""
import extractor


def test_all_names_exist():
    assert [name for name in extractor.__all__ if not hasattr(extractor, name)] == []


def test_every_public_name_is_in_all():
    public = {name for name in vars(extractor) if not name.startswith("_")
              and not isinstance(getattr(extractor, name), type(extractor))}
    assert public == set(extractor.__all__) - {"__version__"}
