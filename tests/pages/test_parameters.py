"""The notebooks' parameters: unknown names and values of the wrong type stop the notebook, named."""

import pytest

from snanalys.pages import PARAMETERS, ParameterError, check_parameters

DEFAULTS = {p.name: p.default for p in PARAMETERS}


def _namespace(**changes):
    # what a kernel holds after the parameters cell and papermill's injected one
    return {"In": [""], "Out": {}, "_": "", "__name__": "__main__", "get_ipython": print, **DEFAULTS, **changes}


def test_the_declared_parameters_pass_and_nothing_else_is_returned():
    import math

    assert check_parameters(_namespace(math=math, tertial=2)) == {**DEFAULTS, "tertial": 2}


def test_an_unknown_parameter_is_named_with_the_one_it_resembles():
    with pytest.raises(ParameterError, match=r"'tertal' \(did you mean 'tertial'\?\)"):
        check_parameters(_namespace(tertal=2))
    with pytest.raises(ParameterError, match=r"unknown notebook parameter\(s\) 'region'; the parameters are year"):
        check_parameters(_namespace(region="Norr"))


@pytest.mark.parametrize(
    ("name", "value", "kind"),
    [("tertial", 2.5, "float"), ("year", "2025", "str"), ("year", True, "bool"), ("kommun", 480, "int")],
)
def test_a_value_of_the_wrong_type_is_refused(name, value, kind):
    with pytest.raises(ParameterError, match=rf"parameter {name} must be \w+ .*not {kind} "):
        check_parameters(_namespace(**{name: value}))


def test_a_parameters_cell_without_a_parameter_is_refused():
    namespace = _namespace()
    del namespace["as_of"]
    with pytest.raises(ParameterError, match="does not set as_of"):
        check_parameters(namespace)
