"""Vietnamese text: folding for search, search words, and the name order of every list."""

from __future__ import annotations

import random
import string
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdv.core.text import (
    fold,
    name_sort_key,
    normalize_spaces,
    prefix_upper_bound,
    search_terms,
    split_full_name,
)

# (family, middle, given) in the order a Vietnamese list must show them: given name first
# (letters in the Vietnamese alphabet, then tones: none, huyền, hỏi, ngã, sắc, nặng), then
# family name, then middle name. Written out by hand; shared with the database test.
NAMES_IN_ORDER: list[tuple[str, str, str]] = [
    ("Nguyễn", "Văn", "An"),
    ("Trần", "", "An"),  # no middle name sorts before any middle name
    ("Trần", "Thị", "An"),
    ("Đỗ", "Thị", "Anh"),  # An < Anh: a shorter word first
    ("Đỗ", "Văn", "Anh"),  # same given and family: middle name decides
    ("Phạm", "Ngọc", "Ánh"),  # the given name's tone comes before the family name
    ("Hồ", "Văn", "Ân"),  # â after a
    ("Lương", "Văn", "Bắc"),
    ("Nguyễn", "Thị", "Bé"),
    ("Nguyễn", "Văn", "Bền"),  # ê after e
    ("Võ", "Văn", "Bình"),
    ("Vũ", "Thanh", "Bình"),  # Võ < Vũ
    ("Đặng", "Linh", "Chi"),
    ("Bùi", "Mạnh", "Cường"),
    ("Lê", "Thị", "Dung"),
    ("Nguyễn", "Văn", "Dũng"),
    ("Trần", "Văn", "Dũng"),
    ("Hà", "Văn", "Dụng"),
    ("Phan", "Khánh", "Duy"),
    ("Mai", "Thị", "Đào"),  # đ after every d
    ("Ngô", "Minh", "Đức"),
    ("Hoàng", "Thu", "Giang"),
    ("Đinh", "Thu", "Hà"),
    ("Lý", "Thị", "Hạ"),
    ("Cao", "Thanh", "Hải"),
    ("Trịnh", "Thúy", "Hằng"),  # ă after a
    ("Võ", "Ngọc", "Hân"),  # â after ă
    ("Nguyễn", "Thị", "Hiền"),
    ("Trần", "Văn", "Hiển"),
    ("Lê", "Văn", "Hiến"),
    ("Dương", "Trung", "Hiếu"),
    ("Tạ", "Thị", "Hoa"),
    ("Lâm", "Văn", "Hòa"),
    ("Lê", "Thị", "Hồng"),  # ô after o
    ("Nông", "Văn", "Hợp"),  # ơ after ô
    ("Quách", "Duy", "Khánh"),
    ("Nguyễn", "Thị", "Lan"),
    ("Châu", "Hoàng", "Long"),
    ("Triệu", "Thị", "Nga"),
    ("Phùng", "Bảo", "Ngọc"),
    ("Kiều", "Hữu", "Phúc"),
    ("Tô", "Hải", "Sơn"),
    ("Lê", "Thị", "Thu"),
    ("Mạc", "Văn", "Thuận"),
    ("Đoàn", "Minh", "Thư"),  # ư after u
    ("Phạm", "Minh", "Tuấn"),
    ("Lưu", "Phương", "Uyên"),
    ("Hứa", "Hải", "Yến"),
]


def full_name(parts: tuple[str, str, str]) -> str:
    return " ".join(p for p in parts if p)


def shuffled_names() -> list[tuple[str, str, str]]:
    names = list(NAMES_IN_ORDER)
    random.Random(20261121).shuffle(names)
    assert names != NAMES_IN_ORDER
    return names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nguyễn Văn Dũng", "nguyen van dung"),
        ("ĐẶNG ĐỨC ĐÔNG", "dang duc dong"),
        ("đ Đ", "d d"),
        ("a à ả ã á ạ", "a a a a a a"),
        ("ă ằ ẳ ẵ ắ ặ â ầ ẩ ẫ ấ ậ", "a a a a a a a a a a a a"),
        ("e è ẻ ẽ é ẹ ê ề ể ễ ế ệ", "e e e e e e e e e e e e"),
        ("i ì ỉ ĩ í ị y ỳ ỷ ỹ ý ỵ", "i i i i i i y y y y y y"),
        ("o ò ỏ õ ó ọ ô ồ ổ ỗ ố ộ ơ ờ ở ỡ ớ ợ", "o o o o o o o o o o o o o o o o o o"),
        ("u ù ủ ũ ú ụ ư ừ ử ữ ứ ự", "u u u u u u u u u u u u"),
        ("ỲỶỸÝỴ ƯỪỬỮỨỰ", "yyyyy uuuuuu"),
        ("  Lê\tThị \n Hồng  ", "le thi hong"),
        ("Lê \u0301 Hồng", "le hong"),  # a stray mark between spaces leaves one space
        ("", ""),
    ],
)
def test_fold_removes_every_mark_and_folds_d(text, expected):
    assert fold(text) == expected


def test_fold_gives_the_same_result_for_composed_and_decomposed_input():
    composed = "Nguyễn Thị Ánh Tuyết Đặng"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert fold(decomposed) == fold(composed) == "nguyen thi anh tuyet dang"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Nguyễn Văn Dũng", ["nguyen", "van", "dung"]),
        ("  nguyen,  VĂN-dũng ", ["nguyen", "van", "dung"]),
        ("Lê Lê lê", ["le"]),
        ("H'Hen Niê", ["h", "hen", "nie"]),
        ("045 195 000 123", ["045", "195", "000", "123"]),
        ("  -- ", []),
    ],
)
def test_search_terms_are_folded_distinct_words(query, expected):
    assert search_terms(query) == expected


@pytest.mark.parametrize(
    ("prefix", "bound"), [("dung", "dunh"), ("a", "b"), ("0001", "0002"), ("az", "a{")]
)
def test_prefix_upper_bound_is_the_next_string_after_the_prefix_range(prefix, bound):
    assert prefix_upper_bound(prefix) == bound
    assert prefix < prefix + "zzzz" < bound


def test_prefix_upper_bound_refuses_an_empty_prefix():
    with pytest.raises(ValueError, match="empty"):
        prefix_upper_bound("")


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Nguyễn Văn Dũng", ("Nguyễn", "Văn", "Dũng")),
        ("  Tôn Nữ  Thị   Ngọc Hoa ", ("Tôn", "Nữ Thị Ngọc", "Hoa")),
        ("Trần An", ("Trần", "", "An")),
        ("Sùng", ("", "", "Sùng")),
    ],
)
def test_split_full_name_takes_family_first_and_given_last(name, parts):
    assert split_full_name(name) == parts


def test_normalize_spaces_composes_and_collapses():
    assert normalize_spaces(" Nguye\u0302\u0303n \t Văn ") == "Nguyễn Văn"


def test_names_sort_in_vietnamese_order():
    ordered = sorted(shuffled_names(), key=lambda p: name_sort_key(*p))
    assert [full_name(p) for p in ordered] == [full_name(p) for p in NAMES_IN_ORDER]


def test_tones_sort_in_dictionary_order():
    # Không dấu, huyền, hỏi, ngã, sắc, nặng (the order of Vietnamese dictionaries).
    given_names = ["Dung", "Dùng", "Dủng", "Dũng", "Dúng", "Dụng"]
    keys = [name_sort_key("Lê", "Văn", g) for g in given_names]
    assert keys == sorted(keys)
    assert len(set(keys)) == 6


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (("", "", "An"), ("", "", "Anh")),
        (("", "", "Anh"), ("", "", "Ánh")),
        (("", "", "Ánh"), ("", "", "Ăn")),
        (("", "", "Ăn"), ("", "", "Ân")),
        (("", "", "Duy"), ("", "", "Đào")),
        (("", "", "Dụng"), ("", "", "Duy")),
        (("", "", "Em"), ("", "", "Êm")),
        (("", "", "Oanh"), ("", "", "Ôn")),
        (("", "", "Ôn"), ("", "", "Ơn")),
        (("", "", "Uyên"), ("", "", "Ưng")),
        (("Trần", "Văn", "Dung"), ("Nguyễn", "Văn", "Dũng")),  # given name first
        (("Nguyễn", "Văn", "An"), ("Trần", "Văn", "An")),  # then family
        (("Trần", "", "An"), ("Trần", "Thị", "An")),  # then middle
        (("Trần", "Thị", "An"), ("Trần", "Thị Thu", "An")),
        (("Trần", "Thi Thu", "An"), ("Trần", "Thị Thu", "An")),
    ],
)
def test_pairs_sort_as_in_the_dictionary(before, after):
    assert name_sort_key(*before) < name_sort_key(*after)


def test_sort_key_ignores_case_spacing_and_normalisation_form():
    key = name_sort_key("Nguyễn", "Thị Ánh", "Tuyết")
    assert name_sort_key("NGUYỄN", "  thị   ánh ", "tuyết") == key
    nfd = [unicodedata.normalize("NFD", p) for p in ("Nguyễn", "Thị Ánh", "Tuyết")]
    assert name_sort_key(*nfd) == key


# --- properties ---------------------------------------------------------------------------

VIETNAMESE_LOWER = (
    "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệfghiìỉĩíịjklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvwxyỳỷỹýỵz"
)
VIETNAMESE_TEXT = st.text(alphabet=VIETNAMESE_LOWER + VIETNAMESE_LOWER.upper() + " \t", max_size=40)
# One syllable at most carries one tone, as Vietnamese spelling does.
BASE_LETTERS = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
VOWELS = "aăâeêioôơuưy"
TONE_MARKS = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]


@st.composite
def syllables(draw: st.DrawFn) -> str:
    letters = draw(st.lists(st.sampled_from(BASE_LETTERS), min_size=1, max_size=6))
    vowels = [i for i, letter in enumerate(letters) if letter in VOWELS]
    if vowels:
        where = draw(st.sampled_from(vowels))
        tone = draw(st.sampled_from(TONE_MARKS))
        letters[where] = unicodedata.normalize("NFC", letters[where] + tone)
    return "".join(letters)


NAME_PARTS = st.lists(syllables(), max_size=3).map(" ".join)


@given(st.text(max_size=60))
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(VIETNAMESE_TEXT)
def test_fold_of_vietnamese_text_is_lowercase_ascii(text):
    folded = fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
    assert "  " not in folded


@given(st.text(max_size=30), st.text(max_size=30), st.text(max_size=30))
def test_sort_key_uses_only_digits_and_lowercase_letters(family, middle, given_name):
    key = name_sort_key(family, middle, given_name)
    assert set(key) <= set(string.digits + string.ascii_lowercase)


def part_key(part: str) -> str:
    return name_sort_key("", "", part)


@given(st.tuples(NAME_PARTS, NAME_PARTS, NAME_PARTS), st.tuples(NAME_PARTS, NAME_PARTS, NAME_PARTS))
def test_sort_key_order_is_the_order_of_given_then_family_then_middle(a, b):
    (fa, ma, ga), (fb, mb, gb) = a, b
    ka, kb = name_sort_key(fa, ma, ga), name_sort_key(fb, mb, gb)
    parts_a = (part_key(ga), part_key(fa), part_key(ma))
    parts_b = (part_key(gb), part_key(fb), part_key(mb))
    assert (ka < kb) == (parts_a < parts_b)
    assert (ka == kb) == (parts_a == parts_b)


def _letters_and_tones(part: str) -> tuple[tuple[str, int], ...]:
    """A name part as its words: (letters with ă/â/ê/ô/ơ/ư/đ kept, the word's tone)."""
    words = []
    for word in part.lower().split():
        letters, tone = [], 0
        for char in word:
            decomposed = unicodedata.normalize("NFD", char)
            marks = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
            tone = next((marks[c] for c in decomposed if c in marks), 0) or tone
            letters.append(
                unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in marks))
            )
        words.append(("".join(letters), tone))
    return tuple(words)


@given(NAME_PARTS, NAME_PARTS)
def test_names_have_equal_keys_exactly_when_letters_and_tones_match(a, b):
    # A syllable carries one tone; where the mark sits is spelling, not a different name
    # ("Hòa" and "Hoà" are one name), so keys compare letters and each word's tone.
    assert (part_key(a) == part_key(b)) == (_letters_and_tones(a) == _letters_and_tones(b))


def test_old_and_new_tone_placement_sort_as_the_same_name():
    assert name_sort_key("Lê", "Thị", "Hòa") == name_sort_key("Lê", "Thị", "Hoà")
    assert name_sort_key("Lê", "", "Thủy") == name_sort_key("Lê", "", "Thuỷ")
