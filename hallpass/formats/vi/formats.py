"""Vietnamese dates as they read inside a sentence: "trước ngày 2 tháng 8 năm 2027".

Django's own format starts with a capital "Ngày", which reads as a new sentence
in the middle of one (and a translation that says "ngày" itself would print it
twice). Every other format is Django's."""

DATE_FORMAT = r"\n\gà\y j \t\há\n\g n \nă\m Y"
