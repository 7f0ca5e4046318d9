"""Crisis when two ideas meet in one clause, however they are worded.

Read as ``phrases.CRISIS_PAIRS`` (the mind, danger, being lost) and ``phrases.BODILY_PAIRS``
(the body in danger now).
"""

from __future__ import annotations

ENDS = ("end", "eind", "einde", "voorbij", "ophouden")  # not "over": "ik heb tijd over"
HELP = ("help", "hulp", "helpen")
AFRAID = (
    "bang",
    "doodsbang",
    "angst*",
    "scared",
    "frightened",
    "terrified",
    "fear",
    "afraid",
    "angstig",
    "paniek",
    "panic",
    "snel",
    "quick",
    "quickly",
    "dringend",
    "urgent",
    "nu",
    "now",
)
GO_ON = ("verder", "doorgaan", "door", "go on", "going on", "carry on", "keep going", "volhouden")
CANNOT = ("niet", "geen", "cant", "cannot", "no", "not", "weet niet", "hoe", "how")
DEATH = ("dood", "sterven", "sterf*", "death", "dying", "dead")
WISH = (
    "wil",
    "willen",
    "wens",
    "liefst",
    "liever",
    "denk",
    "denken",
    "want",
    "wanna",
    "wish",
    "rather",
    "think",
    "thinking",
    "klaar",
    "ready",
)
LIFE = ("leven", "levens", "leef", "life", "living", "alive", "bestaan", "be here", "hier zijn")
END = (
    "klaar",
    "done",
    "genoeg",
    "enough",
    "end",
    "ending",
    "einde",
    "eind",
    "beeindig*",
    "stop",
    "stoppen",
    "over",
    "finished",
    "zinloos",
    "pointless",
    "moe",
    "tired",
    "sick",
    "hate",
    "haat",
)
NO_VALUE = (
    "geen",
    "niks",
    "niets",
    "zonder",
    "no",
    "nothing",
    "zin",
    "reden",
    "reason",
    "point",
    "waarom",
    "why",
    "worth",
    "waard",
)
ENDING = ("eind", "einde", "end", "ending", "beeindig*")
ALL_OF_IT = (
    "maken",
    "maak",
    "make",
    "it",
    "alles",
    "all",
    "things",
    "mezelf",
    "myself",
    "leven",
    "life",
)
MEANS = ("pil*", "slaappil*", "medicijn*", "tablet*", "mes", "knife", "touw", "rope")
MANY = (
    "alle",
    "allemaal",
    "doos*",
    "hele",
    "whole",
    "box",
    "bottle",
    "te veel",
    "too many",
    "all",
    "veel",
    "many",
    "heleboel",
    "hele strip",
    "strip",
    "saving",
    "spaar",
    "sparen",
    "gespaard",
    "bewaard",
    "verzameld",
    "apart gelegd",
    "hoarded",
    "stockpiled",
    "opgespaard",
    "saved",
    "potje",
    "doosje",
    "stapel",
    "geslikt",
    "swallowed",
    "overdose",
    "gepakt",
    "klaar",
    "ready",
    "mezelf",
    "myself",
    "pols",
    "wrist",
)

# A wish to be gone: "was ik er maar niet meer", "I wish I was gone", "wou dat ik dood was".
WISHED = (
    "was ik",
    "wou dat ik",
    "wilde dat ik",
    "wish i",
    "wish id",
    "if only i",
    "zou ik maar",
    "ware ik",
)
GONE = (
    "niet meer",
    "er niet",
    "weg",
    "dood",
    "gone",
    "dead",
    "not here",
    "wasnt here",
    "werent here",
    "here anymore",
    "never born",
    "never been born",
    "nooit geboren",
)
# Breath: "ik krijg geen adem", "I can hardly breathe", "geen lucht".
BREATH = ("adem*", "lucht", "breath*", "breathe")
HARDLY = (
    "geen",
    "slecht",
    "moeilijk",
    "moeizaam",
    "niet",
    "nauwelijks",
    "haast",
    "amper",
    "bijna",
    "cant",
    "cannot",
    "hardly",
    "barely",
    "no",
)
# Someone hurting them: "mijn zoon slaat mij", "my carer hits me".
HURTS = (
    "slaat",
    "sloeg",
    "geslagen",
    "schopt",
    "geschopt",
    "duwt",
    "hits",
    "hit",
    "beats",
    "kicks",
    "pushed",
    "slapped",
    "punched",
    "hurting",
    "bedreigt",
    "dreigt",
    "threatens",
)
ME = ("mij", "me")  # not "my": "my knee hurts"
# Someone trying to get in: "er staat een man die probeert binnen te komen".
TRYING = ("probeert", "proberen", "probeerde", "trying", "tries", "tried", "wil", "wants")
GET_IN = ("binnen", "binnenkomen", "inbreken", "get in", "break in", "breaking in")
# Not knowing where one is: "ik ben verdwaald", "I don't know where I am".
LOST = (
    "verdwaald",
    "verdwaal*",
    "lost",
    "weet niet",
    "weet niet meer",
    "dont know",
    "do not know",
    "no idea",
    "geen idee",
)
WHERE_I_AM = (
    "waar ik ben",
    "waar ik nu ben",
    "where i am",
    "where am i",
    "waar ben ik",
    "thuis kom",
    "naar huis",
    "way home",
    "get home",
    "way back",
)
# No light, no way: "ik zie geen licht meer", "no light at the end".
LIGHT = ("licht", "light")
# All of it must stop: "van mij mag het allemaal ophouden", "I want it all to stop".
EVERYTHING = ("alles", "allemaal", "everything", "it all")  # not "all": "stop all messages"
STOPS = (
    "ophoud*",
    "ophou*",
    "voorbij",
    "end",
    "eindigen",
    "to stop",
)  # not "stop alles, die berichten"

# A conditional of being gone: "als ik weg was", "if I was gone", "if I died".
IF_I = ("als ik", "if i", "when i", "wanneer ik")
WERE_GONE = (
    "weg was",
    "dood was",
    "er niet meer was",
    "er niet was",
    "niet meer leefde",
    "was gone",
    "were gone",
    "died",
    "was dead",
    "wasnt around",
    "werent around",
    "wasnt here",
    "werent here",
    "wasnt alive",
)
# Standing at the edge: "ik sta op de brug", "I'm standing by the railway".
STANDING = ("sta", "staan", "stand", "standing")
EDGE = ("spoor*", "brug", "rails", "bridge", "railway", "tracks", "dak", "roof", "rand", "edge")
# On the floor: "ik lig op de vloer", "I can't get off the floor".
LYING = ("lig", "liggen", "lying", "cant get", "kan niet", "kom niet")
FLOOR = ("vloer", "grond", "floor", "ground")
# The heart or chest that hurts: "mijn hart doet pijn", "chest pains".
HEART = ("hart", "heart", "borst")
PAIN = ("pijn", "pain", "pains", "hurts", "drukt", "steekt", "knijpt", "zeer", "tight", "beklemd")
# A broken bone: "mijn been is gebroken", "I think my hip is broken".
BONE = ("been", "arm", "heup", "pols", "enkel", "rib", "leg", "hip", "wrist", "ankle")
BROKEN = ("gebroken", "broken", "broke")
# A limb that will not move, speech or a face gone strange: signs of a stroke.
CANT_MOVE = ("niet bewegen", "niet meer bewegen", "cant move", "cannot move", "not move")
LIMB = ("arm", "been", "hand", "gezicht", "leg", "face", "side", "kant")
SPEECH = ("praat", "praten", "spreek", "spreken", "speech", "talk", "talking", "mond", "mouth")
ODD = ("raar", "vreemd", "scheef", "onduidelijk", "slurred", "weird", "strange", "funny")
# Lost and in need: "I'm lost, please help", "de weg kwijt en het is donker".
ASTRAY = ("verdwaald", "lost", "weg kwijt")
IN_NEED = (
    "help",
    "hulp",
    "donker",
    "dark",
    "koud",
    "cold",
    "buiten",
    "outside",
    "straat",
    "street",
)

# Might as well be gone: "ik kan net zo goed weg zijn", "I might as well be dead".
AS_WELL = ("net zo goed", "might as well", "may as well")

# Pain that is too much: "ik heb zo'n pijn", "terrible pain".
INTENSE = (
    "zon",
    "zoveel",
    "vreselijk*",
    "verschrikkelijk*",
    "ontzettend*",
    "ondraaglijk*",
    "terrible",
    "awful",
    "unbearable",
    "so much",
)
# Smoke where one is: "er komt rook onder de deur door", "smoke in the kitchen".
SMOKE = ("rook", "smoke", "smoking")
INDOORS = (
    "deur",
    "huis",
    "kamer",
    "keuken",
    "gang",
    "overal",
    "door",
    "house",
    "room",
    "kitchen",
    "everywhere",
    "ruik",
    "smell",
)
# A limb that tingles or goes numb: a sign of a stroke.
TINGLES = ("tintel*", "tingl*", "verdoofd", "gevoelloos", "slap", "lam")
# The way home that is gone: "ik weet de weg naar huis niet meer", "can't find my way home".
THE_WAY = ("weet de weg", "know the way", "find my way", "find the way", "vind de weg")
NOT_ANY_MORE = ("niet", "niet meer", "cant", "cannot", "dont", "kwijt")

# Dying in one's sleep hoped for: "ik hoop dat ik vannacht in mijn slaap ga".
HOPE_TO = ("hoop", "hope", "hoping", "wou", "wens", "wish", "liefst")
IN_SLEEP = ("in mijn slaap", "in my sleep", "inslapen", "in te slapen")
# Harm done to oneself, in any words: "ik snij mezelf weer", "ik doe mezelf pijn".
MYSELF = ("mezelf", "mijzelf", "myself")
HARM = ("snij*", "sneed", "gesneden", "pijn", "cut*", "hurt*", "harm*", "krab*", "burn*")
# A rope made ready: "ik heb een touw gekocht".
ROPE = ("touw", "strop", "rope", "noose")
OBTAINED = ("gekocht", "gehaald", "klaar", "vastgemaakt", "bought", "got", "ready", "tied")
# Calling the crisis line or the emergency number: "ik moet 113 bellen".
HELPLINE = ("112", "113")
DIALLING = ("bel", "bellen", "belt", "gebeld", "call", "calling", "ring", "dial")
# A plan for tonight: "ik doe het vannacht".
DO_IT = ("doe het", "ga het doen", "do it")
AT_NIGHT = ("vannacht", "tonight")
