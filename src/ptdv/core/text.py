"""Vietnamese text: accent folding for search and the Vietnamese collation for name lists.

Both produce plain ASCII strings that are stored in indexed columns, so search and sorting
behave identically on SQLite and PostgreSQL whatever the database collation: every key is
made of the characters 0-9 and a-z only, whose byte order every collation we target agrees on.
"""

from __future__ import annotations

import re
import unicodedata

# Combining marks of the five Vietnamese tones (grave, hook, tilde, acute, dot below).
_TONE_MARKS = {
    "\u0300": 1,  # huyền
    "\u0309": 2,  # hỏi
    "\u0303": 3,  # ngã
    "\u0301": 4,  # sắc
    "\u0323": 5,  # nặng
}
# Marks that make a different letter (ă, â, ê, ô, ơ, ư), not a tone.
_LETTER_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}

# The Vietnamese alphabet in dictionary order, with f, j, w, z (found in ethnic-minority and
# foreign names) in their Latin places.
ALPHABET: tuple[str, ...] = (
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
    "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
)  # fmt: skip
# Key symbols: '0' ends a name part, '1' separates words; letters use '2'.. in alphabet order.
_SYMBOLS = "23456789abcdefghijklmnopqrstuvwxyz"
_LETTER_CODE = {letter: _SYMBOLS[i] for i, letter in enumerate(ALPHABET)}
_UNKNOWN_CODE = "z"  # digits and other characters sort after every letter
_SPACES = re.compile(r"\s+")


def normalize_spaces(text: str) -> str:
    """Return text in NFC with runs of whitespace collapsed and the ends trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Return text lower-cased with every diacritic removed and đ folded to d.

    >>> fold("Nguyễn Văn Dũng")
    'nguyen van dung'
    """
    decomposed = unicodedata.normalize("NFD", normalize_spaces(text).lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Spaces are collapsed again: a stray mark standing between two spaces leaves a double
    # space behind once removed, and fold must give the same result when applied twice.
    return _SPACES.sub(" ", stripped.replace("đ", "d")).strip()


def _letters_and_tone(word: str) -> tuple[list[str], int]:
    """Return the letters of one word (each with its letter marks) and the word's tone 0-5.

    Works on the decomposed form, so a mark that NFC could not attach to a precomposed letter
    (a tone typed on a consonant, a doubled mark) still counts as a tone or is ignored, never
    as a letter of its own.
    """
    letters: list[str] = []
    tone = 0
    for ch in unicodedata.normalize("NFD", word):
        if ch in _TONE_MARKS:
            tone = _TONE_MARKS[ch]
        elif ch in _LETTER_MARKS:
            if letters:
                letters[-1] += ch
        elif unicodedata.combining(ch):
            continue  # a foreign accent: ignore it
        else:
            letters.append(ch)
    return [unicodedata.normalize("NFC", letter) for letter in letters], tone


def _part_key(part: str) -> str:
    """Return the key of one name part: letter codes, then '0', then one tone digit per word."""
    letters: list[str] = []
    tones: list[str] = []
    for word in normalize_spaces(part).lower().split(" "):
        if not word:
            continue
        if tones:
            letters.append("1")
        word_letters, tone = _letters_and_tone(word)
        letters.extend(_LETTER_CODE.get(letter, _UNKNOWN_CODE) for letter in word_letters)
        tones.append(str(tone))
    return "".join(letters) + "0" + "".join(tones)


def name_sort_key(family_name: str, middle_name: str, given_name: str) -> str:
    """Return the Vietnamese sort key: given name, then family name, then middle name.

    Letters are compared first (a < ă < â < b … d < đ …), tones break ties within a part in
    dictionary order: no mark, huyền, hỏi, ngã, sắc, nặng (Dung < Dùng < Dũng < Dụng).
    """
    return "0".join(_part_key(p) for p in (given_name, family_name, middle_name))


def split_full_name(full_name: str) -> tuple[str, str, str]:
    """Return (family, middle, given) from a full Vietnamese name written in normal order."""
    words = normalize_spaces(full_name).split(" ")
    if len(words) == 1:
        return "", "", words[0]
    if len(words) == 2:
        return words[0], "", words[1]
    return words[0], " ".join(words[1:-1]), words[-1]


def search_terms(query: str) -> list[str]:
    """Return the folded words of a search query, without empty or duplicate words."""
    seen: list[str] = []
    for word in re.split(r"[^0-9a-z]+", fold(query)):
        if word and word not in seen:
            seen.append(word)
    return seen


def prefix_upper_bound(prefix: str) -> str:
    """Return the smallest string greater than every string starting with prefix.

    Used for range queries (value >= prefix AND value < bound) which any B-tree index serves,
    unlike LIKE 'prefix%' which needs special operator classes on PostgreSQL.
    """
    if not prefix:
        raise ValueError("prefix must not be empty")
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def unit_label(name: str, parent_name: str) -> str:
    """Return a unit's name with its parent's, so that ten "Chi bộ Khu phố 2" differ."""
    return f"{name} — {parent_name}" if parent_name else name
