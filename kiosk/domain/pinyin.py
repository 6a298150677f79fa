"""Pinyin input for the on-screen keyboard: letters typed -> the characters and words they may mean.

Pure: built from the readings it is given (``build_index``: pypinyin's character readings and its
phrases, which the caller loads: ``kiosk/ui/onscreen_keyboard.py`` on a worker), no Qt, no I/O.

* Characters: only those of GB 2312 (6,763 common hanzi: what a patient writes), each under every
  reading, tones dropped (``ü`` typed as ``v``, as every pinyin keyboard does). Ranked: the most
  frequent characters of written Chinese first (``COMMON``, in their order), then the characters of
  the kiosk's own words (``VOCABULARY``: a note about a hospital bill), then GB 2312's first level
  (3,755 characters in common use) before its second, within a level by the number of pypinyin's
  phrases the character is in (a fair proxy of its frequency); a character under a reading that is
  not its first comes after those of the next rank read so first (地 as ``de`` after 的 and 得).
* Words: ``VOCABULARY`` first, then pypinyin's phrases (about 41,000 of GB 2312 characters), keyed
  by their syllables run together (``yiyuan``); found by the whole input or a start of it.
* ``PinyinIndex.candidates(letters)``: for a run of letters (``yiyuan``), the words it spells (or
  starts) and the characters of its first syllable (``yi``), each with how many letters it uses up:
  a character picked leaves the rest of the letters to go on with (``yuan``).
"""
from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

#: The most frequent characters of modern written Chinese, most frequent first (general knowledge of
#: character frequency; a ranking, nothing more).
COMMON = ("的一是不了在人有我他这个们中来上大为和国地到以说时要就出也得里后自会家可下而过天去能对小多"
          "然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又"
          "行意动方期它头经长儿回位分爱老因很给名法间知世什两次使身者被高已亲其进此话常与活正感")

#: The words of a note about a hospital bill, offered before any other word that is spelt the same.
VOCABULARY = (
    "医院 医生 护士 费用 收费 多收 多收费 重复 重复收费 收了两次 检查 检查费 化验 化验费 拍片 药费 药品 开药 "
    "取药 退药 挂号 挂号费 门诊 住院 出院 床位费 材料费 治疗 治疗费 手术 手术费 诊疗费 账单 金额 发票 退款 "
    "退费 错误 不对 没有 没做 没有做 没用 没拿到 没收到 两次 一次 价格 太贵 医保 报销 信用 还款 已付 已经付 "
    "付过 付款 现金 微信 支付宝 取消 打针 输液 处方 病历 核对 核实 处理 问题 请问 谢谢 今天 昨天 上午 下午 "
    "孩子 老人 本人 家属 电话 联系"
).split()

#: The characters GB 2312 orders by frequency of use (its first level, rows 16-55: 0xB0A1-0xD7F9).
_LEVEL_ONE_END = 0xD8


def plain(reading: str) -> str:
    """A reading without its tone: ``lǜ`` -> ``lv``, ``yī`` -> ``yi``, ``ń`` -> ``n``."""
    text = unicodedata.normalize("NFD", reading.lower()).replace("u\u0308", "v")
    return "".join(c for c in text if not unicodedata.combining(c))


def gb2312_level(char: str) -> int:
    """1 or 2: the GB 2312 level of a hanzi; 0: not a hanzi of GB 2312."""
    if not "\u4e00" <= char <= "\u9fff":
        return 0
    try:
        code = char.encode("gb2312")
    except UnicodeEncodeError:
        return 0
    return 1 if code[0] < _LEVEL_ONE_END else 2


@dataclass(frozen=True)
class Candidate:
    """What the letters may mean: ``text``, using up the first ``letters`` of them."""

    text: str
    letters: int


class PinyinIndex:
    """Syllables and their starts -> characters, syllables run together -> words; ranked once."""

    def __init__(self, chars: dict[str, tuple[str, ...]], prefixes: dict[str, tuple[str, ...]],
                 words: dict[str, tuple[str, ...]], syllables: frozenset[str]):
        self.chars = chars  # a whole syllable -> its characters, ranked
        self.prefixes = prefixes  # the start of a syllable -> the characters of the syllables it starts
        self.words = words  # syllables run together -> words
        self.syllables = syllables
        self._keys = sorted(words)

    # -- what the letters spell ----------------------------------------------------------------------
    def first_syllable(self, letters: str) -> str:
        """The syllable the letters begin with: the longest whose rest still reads as syllables (the last
        maybe begun), else the longest there is; or the letters themselves while they only begin one."""
        for end in range(min(6, len(letters)), 0, -1):
            if letters[:end] in self.syllables and self._reads(letters[end:], {}):
                return letters[:end]
        for end in range(min(6, len(letters)), 0, -1):
            if letters[:end] in self.syllables:
                return letters[:end]
        return letters if letters in self.prefixes else ""

    def _reads(self, rest: str, known: dict[str, bool]) -> bool:
        """Whether ``rest`` reads as syllables, the last maybe begun (``known``: the rests already tried)."""
        if not rest or rest in self.prefixes:
            return True  # nothing left, or a syllable begun
        if rest not in known:
            known[rest] = any(rest[:end] in self.syllables and self._reads(rest[end:], known)
                              for end in range(min(6, len(rest)), 0, -1))
        return known[rest]

    def candidates(self, letters: str, limit: int = 200) -> list[Candidate]:
        """Words the letters spell, then (more than one syllable typed) words they begin, then the
        characters of the first syllable, then (one syllable) the words it begins."""
        letters = letters.lower()
        if not letters:
            return []
        first = self.first_syllable(letters)
        found: list[Candidate] = []
        seen: set[str] = set()

        def add(texts: Iterable[str], used: int) -> None:
            for text in texts:
                if text not in seen and len(found) < limit:
                    seen.add(text)
                    found.append(Candidate(text, used))

        add(self.words.get(letters, ()), len(letters))
        several = len(letters) > len(first)
        if several:
            add(self._begun(letters), len(letters))
        if first:
            own = self.chars.get(first) if first in self.syllables else self.prefixes.get(first, ())
            add(own or (), len(first))
        if not several:
            add(self._begun(letters), len(letters))
        return found

    def _begun(self, letters: str, most: int = 30) -> list[str]:
        """Words whose syllables begin with the letters (not those spelt by them exactly)."""
        start = bisect_left(self._keys, letters)
        texts: list[str] = []
        for key in self._keys[start:start + 400]:
            if not key.startswith(letters):
                break
            if key != letters:
                texts.extend(self.words[key])
        texts.sort(key=lambda w: (w not in _VOCABULARY_RANK, len(w), _VOCABULARY_RANK.get(w, 0)))
        return texts[:most]


_VOCABULARY_RANK = {word: i for i, word in enumerate(VOCABULARY)}


def build_index(readings: Mapping[int, str], phrases: Mapping[str, Sequence[Sequence[str]]]) -> PinyinIndex:
    """The index from pypinyin's character readings (code point -> ``"yī,yì"``) and phrases (phrase ->
    the readings of each of its characters)."""
    common = {c: i for i, c in enumerate(COMMON)}
    vocabulary: dict[str, int] = {}
    for word in VOCABULARY:
        for char in word:
            vocabulary.setdefault(char, len(vocabulary))
    in_phrases: dict[str, int] = {}
    for phrase in phrases:
        for char in phrase:
            in_phrases[char] = in_phrases.get(char, 0) + 1

    ranked: dict[str, list[tuple[tuple, str]]] = {}
    first_reading: dict[str, str] = {}
    for code, text in readings.items():
        char = chr(code)
        level = gb2312_level(char)
        if not level:
            continue
        if char in common:
            rank: tuple = (0, common[char])
        elif char in vocabulary:
            rank = (1, vocabulary[char])
        else:
            rank = (1 + level, -in_phrases.get(char, 0), code)
        done: set[str] = set()
        for index, reading in enumerate(text.split(",")):
            syllable = plain(reading)
            if not syllable.isascii() or not syllable.isalpha() or syllable in done:
                continue
            done.add(syllable)
            if index == 0:
                first_reading[char] = syllable
            # Read so only second: after the characters read so first of its own rank and the next.
            ranked.setdefault(syllable, []).append(((rank[0] + (index > 0), index > 0, *rank[1:]), char))

    chars = {syllable: tuple(char for _, char in sorted(entries)) for syllable, entries in ranked.items()}
    begun: dict[str, list[tuple[tuple, str]]] = {}
    for syllable, entries in ranked.items():
        for end in range(1, len(syllable)):
            begun.setdefault(syllable[:end], []).extend(entries)
    prefixes = {start: _unique(char for _, char in sorted(entries))[:100] for start, entries in begun.items()}
    prefixes.update((syllable, own[:100]) for syllable, own in chars.items() if syllable not in prefixes)

    words: dict[str, list[str]] = {}
    for word in VOCABULARY:  # read as pypinyin reads the phrase, else each character's first reading
        spelt = phrases.get(word)
        key = ("".join(plain(r[0]) for r in spelt) if spelt
               else "".join(first_reading.get(c, "?") for c in word))
        if key.isalpha():
            words.setdefault(key, []).append(word)
    for phrase, spelt in phrases.items():
        if len(phrase) < 2 or len(phrase) != len(spelt) or not all(gb2312_level(c) for c in phrase):
            continue
        key = "".join(plain(r[0]) for r in spelt)
        if key.isascii() and key.isalpha():
            words.setdefault(key, []).append(phrase)
    ranked_words = {key: tuple(sorted(found, key=lambda w: (w not in _VOCABULARY_RANK,
                                                          _VOCABULARY_RANK.get(w, 0), len(w))))
                    for key, found in words.items()}
    return PinyinIndex(chars, prefixes, ranked_words, frozenset(chars))


def _unique(chars: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(chars))
