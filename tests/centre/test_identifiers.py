"""A person's identifiers are found in free text however they were typed: every format a
member of staff or a parent might use. Every name, number and address is invented."""

import datetime

import pytest

from centre.identifiers import Identifiers, Matcher, digits

HER = Identifiers(
    "An adult whose details are confidential from the other party",
    confidential=True,
    names=[("Wren", "Quillfeather")],
    phones=["07700 900 123"],
    emails=["Wren.Private@Example.test"],
    postcodes=["MB4 7QX"],
    addresses=["Flat 2, 9 Sanctuary Close\nMillbrook"],
    dates_of_birth=[datetime.date(1990, 4, 9)],
    phrases=["Kestrel Marsh", "St Aidan's Primary"],
)


def redacted(text, people=(HER,), **kwargs):
    """The pieces of ``text`` the matcher finds."""
    return [piece for piece, span in Matcher(people, **kwargs).split(text) if span is not None]


@pytest.mark.parametrize(
    "written",
    [
        "07700 900 123",
        "07700900123",
        "07700-900-123",
        "(07700) 900123",
        "07700.900.123",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)7700 900 123",
        "0044 7700 900 123",
        "7700 900123",
    ],
)
def test_a_phone_number_is_found_whatever_its_spacing_and_prefix(written):
    assert redacted(f"Her new number is {written}, call after six.") == [written]


def test_a_phone_number_inside_a_longer_number_is_not_hers():
    assert redacted("Reference 9907700900123 on the form") == []


@pytest.mark.parametrize(
    "written",
    ["Wren.Private@Example.test", "wren.private@example.test", "WREN.PRIVATE@EXAMPLE.TEST"],
)
def test_an_e_mail_address_is_found_in_any_case(written):
    assert redacted(f"Write to {written} please") == [written]


def test_the_telling_part_of_an_e_mail_address_is_found_on_its_own():
    assert redacted("her username is Wren.Private now") == ["Wren.Private"]
    info = Identifiers("Another adult", emails=["info@example.test"])
    assert redacted("ask the info desk", people=[info]) == []


@pytest.mark.parametrize(
    "written", ["MB4 7QX", "MB47QX", "mb4 7qx", "mb47qx", "MB4  7QX", "MB4-7QX"]
)
def test_a_postcode_is_found_with_or_without_its_space_in_any_case(written):
    assert redacted(f"postcode {written}.") == [written]


@pytest.mark.parametrize(
    "written",
    [
        "Flat 2, 9 Sanctuary Close",
        "9 Sanctuary Close",
        "9, Sanctuary Close",
        "Sanctuary Close",
        "sanctuary close",
        "Sanctuary Cl",
        "9 Sanctuary Cl.",
        "Millbrook",
    ],
)
def test_an_address_is_found_by_its_distinctive_parts(written):
    found = redacted(f"She has moved to {written} now")
    assert found and written.rstrip(".") in " ".join(found)


def test_a_flat_number_alone_is_not_distinctive():
    assert redacted("The meeting is in Flat 2 of the centre's annexe") == []


def test_the_town_of_someone_not_hiding_is_left_alone():
    other = Identifiers("Another adult", addresses=["22 Sorrel Lane\nEastwick"])
    assert redacted("The family court at Eastwick", people=[other]) == []
    assert redacted("He lives at 22 Sorrel Lane", people=[other]) == ["22 Sorrel Lane"]


@pytest.mark.parametrize(
    "written",
    [
        "1990-04-09",
        "09/04/1990",
        "9/4/1990",
        "9/4/90",
        "09-04-1990",
        "9.4.1990",
        "9 April 1990",
        "9th April 1990",
        "9 Apr 1990",
        "9th of April 1990",
        "April 9, 1990",
        "april 9th 1990",
        "09-Apr-1990",
        "09APR1990",
        "1990/04/09",
        "1990.4.9",
        "09041990",
        "19900409",
    ],
)
def test_a_date_of_birth_is_found_in_iso_numeric_and_written_forms(written):
    assert redacted(f"born {written}, so") == [written]


def test_another_date_is_not_a_date_of_birth():
    assert redacted("seen on 19/04/1990 and 9 April 1991") == []


@pytest.mark.parametrize(
    "written",
    [
        "Wren Quillfeather",
        "wren quillfeather",
        "Quillfeather, Wren",
        "Quillfeather Wren",
        "WREN  QUILLFEATHER",
        "Wren",
        "Quillfeather",
        "Quillfeather's",
    ],
)
def test_a_name_is_found_whole_in_either_order_and_in_parts(written):
    found = redacted(f"Spoke to {written} today")
    assert found and found[0].lower() in written.lower()


def test_a_name_inside_another_word_is_not_found():
    assert redacted("The wrens nested by the Quillfeathering shed") == []


@pytest.mark.parametrize(
    "written",
    [
        "Kestrel Marsh",
        "kestrel  marsh",
        "Marsh, Kestrel",
        "Kestrel",
        "Marsh",
        "st aidan's primary",
        "Aidan's",
    ],
)
def test_a_phrase_never_to_disclose_is_found_in_any_case_and_spacing(written):
    assert redacted(f"{written} was there") == [written]


def test_the_requesters_own_surname_is_spared_but_not_the_other_parents_full_name():
    him = Identifiers("Another adult", names=[("Barnaby", "Pennyworth")])
    matcher_text = "Marigold Pennyworth met Barnaby Pennyworth; Pennyworth family"
    found = redacted(matcher_text, people=[him], spared=["Pennyworth", "Marigold Pennyworth"])
    assert found == ["Barnaby Pennyworth"]


def test_a_confidential_persons_details_are_never_spared():
    assert redacted("call 07700 900123", spared=["07700 900123"]) == ["07700 900123"]


def test_overlapping_finds_become_one_piece_marked_confidential():
    other = Identifiers("Another adult", names=["Sanctuary"])
    pieces = Matcher([other, HER]).split("at 9 Sanctuary Close today")
    found = [(piece, span.confidential) for piece, span in pieces if span is not None]
    assert found == [("9 Sanctuary Close", True)]


def test_the_pieces_put_back_together_are_the_text():
    text = "Wren (07700 900123) moved to 9 Sanctuary Close, MB4 7QX, born 9/4/1990."
    assert "".join(piece for piece, _ in Matcher([HER]).split(text)) == text


@pytest.mark.parametrize(
    "written,expected",
    [
        ("+44 (0)7700-900 123", "07700900123"),
        ("0044 7700 900123", "07700900123"),
        ("07700 900123", "07700900123"),
        ("+447700900123", "07700900123"),
    ],
)
def test_a_phone_number_compares_as_its_national_digits(written, expected):
    assert digits(written) == expected


def test_a_phrase_never_to_disclose_needs_three_letters(db):
    from django.core.exceptions import ValidationError

    from tests.referrals.factories import AdultFactory

    adult = AdultFactory(contact_details_confidential=True)
    adult.never_disclose = "Kestrel Marsh\nSt\n"
    with pytest.raises(ValidationError) as refused:
        adult.full_clean()
    assert "'St'" in refused.value.message_dict["never_disclose"][0]


def test_the_telling_part_of_a_phrase_is_found_without_its_common_words():
    school = Identifiers("x", confidential=True, phrases=["Larkspur Primary School (new school)"])
    assert redacted("at Larkspur Primary on Monday", people=[school]) == ["Larkspur Primary"]
    assert redacted("Larkspur", people=[school]) == ["Larkspur"]
    assert redacted("the primary school nearby", people=[school]) == []


def test_a_name_written_out_whole_counts_alone_only_by_its_telling_words():
    court = Identifiers("Someone a report went to", names=["Family Court at Fernhollow"])
    assert redacted("the court said; Fernhollow", people=[court]) == ["Fernhollow"]


def test_a_persons_surname_counts_alone_even_when_it_is_a_common_word():
    green = Identifiers("Another adult", names=[("Sarah", "Green")])
    assert redacted("Ms Green came", people=[green]) == ["Green"]
