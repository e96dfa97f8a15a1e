"""The built-in word list: 150 short English words in 15 families that differ by a letter
or two (cat, bat, hat; light, night, might; train, brain, rain), so that the edit distance
finds groups (a word's family is its class) and the seriated distance matrix shows blocks.
Kept as Python text, so it ships inside the program wherever the code goes (a frozen bundle
included)."""

FAMILIES = tuple(tuple(line.split()) for line in """
cat bat hat rat mat sat fat pat vat chat
car bar far jar tar star scar cart card hard
dog log fog hog jog frog clog blog smog bog
light night might right sight fight tight bright flight slight
train brain rain grain drain stain plain chain gain pain
sing ring king wing thing sting swing bring spring string
hand band land sand stand brand grand bland strand wand
cold bold gold hold fold told mold old sold scold
kitten mitten bitten sitting written smitten knitting fitting sitter kitchen
house mouse louse blouse spouse horse hose nose rose pose
water later hater matter butter batter letter better bitter litter
stone phone bone cone tone alone drone throne zone shone
bread break bear beard bead read reed seed feed need
apple ample maple staple people purple simple dimple pimple temple
green greed great treat wheat sweat sweet sheet street steel
""".strip().splitlines())
WORDS = tuple(w for family in FAMILIES for w in family)
# Each word's family, named by its first word: the classes a clustering may find.
FAMILY = tuple(i for i, family in enumerate(FAMILIES) for _ in family)
FAMILY_NAMES = tuple(f"{family[0]} family" for family in FAMILIES)
