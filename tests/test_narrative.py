from snanalys.narrative import change_phrase, compare_sentence, period_phrase


def test_sentence_is_built_from_the_values():
    text = compare_sentence(
        "Antalet hushåll med ekonomiskt bistånd",
        1123,
        1029,
        unit="hushåll",
        period="januari–december 2025",
        previous_period="samma period 2024",
    )
    assert text == (
        "Antalet hushåll med ekonomiskt bistånd var 1\u00a0123\u00a0hushåll under januari–december 2025, "
        "94 fler (+9,1\u00a0%) än samma period 2024."
    )


def test_decrease_and_unchanged():
    assert change_phrase(90, 100, "personer") == "10 färre (−10,0\u00a0%)"
    assert change_phrase(100, 100, "hushåll") == "oförändrat"
    assert change_phrase(53.4, 53.8, "procent") == "0,4 procentenheter lägre"


def test_suppressed_and_missing_values_are_said_in_words():
    assert "redovisas inte" in compare_sentence(
        "X", 3, 10, unit="hushåll", period="p", previous_period="q", current_suppressed=True
    )
    assert "jämförelse med q saknas" in compare_sentence("X", 30, None, unit="hushåll", period="p", previous_period="q")


def test_period_phrase():
    assert period_phrase(1, 8, 2026) == "januari–augusti 2026"
    assert period_phrase(5, 5, 2026) == "maj 2026"


def test_a_list_in_a_sentence():
    from snanalys.narrative import joined_sv

    assert joined_sv(["hushåll"]) == "hushåll"
    assert joined_sv(["hushåll", "vårddygn"]) == "hushåll och vårddygn"
    assert joined_sv(["a", "b", "c"]) == "a, b och c"


def test_wide_forecasts_are_named_once():
    from snanalys.narrative import uncertain_forecasts_sentence

    assert uncertain_forecasts_sentence([], 5) is None
    assert uncertain_forecasts_sentence(["Hushåll", "Vårddygn"], 2) == "Prognoserna är osäkra: intervallen är breda."
    assert (
        uncertain_forecasts_sentence(["Hushåll med ekonomiskt bistånd", "Vårddygn, barn och unga"], 5)
        == "Osäkra, med breda intervall, är prognoserna för hushåll med ekonomiskt bistånd och vårddygn, barn och unga."
    )
