"""The school model's fields as a file names them: by alias, at a path in the document.

Both preparing the data for validation and explaining pydantic's errors need to
know which field (and which model) a key of the file stands for.
"""

from __future__ import annotations

from typing import Any, get_args, get_origin

from pydantic import BaseModel

from tasched.input.introspect import model_class, unwrap_type
from tasched.input.model import SchoolData
from tasched.io.loader.document import DocPath

__all__ = ["aliases", "field_info", "item_type", "model_at"]


def item_type(tp: Any) -> Any:
    """The item type of a list type (None for any other type)."""
    tp = unwrap_type(tp)
    return unwrap_type(get_args(tp)[0]) if get_origin(tp) is list and get_args(tp) else None


def field_info(cls: type[BaseModel], key: Any) -> Any:
    """The FieldInfo a key names (by alias, or by name: the model accepts both)."""
    for name, info in cls.model_fields.items():
        if key in (info.alias, name):
            return info
    return None


def aliases(cls: type[BaseModel]) -> list[str]:
    """The model's fields as a file writes them."""
    return [info.alias or name for name, info in cls.model_fields.items()]


def model_at(path: DocPath) -> type[BaseModel] | None:
    """The model class whose instance sits at ``path`` (None where there is none)."""
    tp: Any = SchoolData
    for part in path:
        if isinstance(part, int):
            tp = item_type(tp)
        else:
            cls = model_class(tp)
            info = field_info(cls, part) if cls else None
            tp = info.annotation if info else None
        if tp is None:
            return None
    return model_class(tp)
