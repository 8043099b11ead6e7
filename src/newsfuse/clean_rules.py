"""The line patterns of scraping debris that cleaning knows, one named rule each."""

from __future__ import annotations

import re

_I = re.IGNORECASE
PARTICLES = r"(van|von|de|der|den|da|di|du|la|le|al|el|bin|ibn|dos|das|del|ter|ten)"

# Each rule: (name, compiled pattern). Patterns are anchored and bounded so that a body sentence
# that merely mentions an advert, a photo or a newsletter is not matched.
PATTERN_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("template", re.compile(
        r"^(\{\{.*\}\}|\{%.*%\}|\[\[[^\]]*\]\]|%%[A-Z0-9_]+%%|(&[a-z]+;|&#\d+;)+|<[^>]{1,200}>|"
        r"undefined|null|NaN|\$\{[^}]*\})$", _I)),
    ("ad", re.compile(
        r"^(advertisements?|ad|ads|sponsored( content| post| links?)?|paid (content|post)|promoted"
        r"( content)?|story continues below( this)?( advertisement| ad)?|(advertisement\s*)?"
        r"continue reading( the main story| below| the story)?|ad feedback|advertising|"
        r"scroll to continue( with content)?|article continues (below|after advertisement))$", _I)),
    ("promo", re.compile(
        r"^(visit \S.{0,60}'s homepage for more stories|sign ?up (for|to|now|here|today)\b.{0,120}|"
        r"subscribe( now| today| here)?( to|for)?\b.{0,100}|click here\b.{0,120}|"
        r"follow (us|me|him|her|them|@\w+|[A-Z][\w.' ]{1,40}) on (twitter|x|facebook|instagram|"
        r"threads|linkedin|tiktok|youtube|bluesky|telegram|whatsapp)\b.{0,80}|"
        r"share (this|on|via|the) (article|story|page|facebook|twitter|x|email|whatsapp|link)\b.{0,40}|"
        r"(get|receive) (the latest|our|breaking)\b.{0,100}(newsletter|inbox|alerts?|app|updates)"
        r"\b.{0,60}|.{0,100}\b[\w.+-]+@[\w-]+\.[a-z][\w.]*[a-z]\.?|"
        r"download (our|the) .{0,40}app.{0,40}|"
        r"(have|got) a (news |story )?tip\??.{0,100}|send us (a|your) (tip|story|news).{0,80}|"
        r"contact (us|the (author|writer|reporter|newsroom))\b.{0,80}|"
        r"(email|e-mail) (us|the (author|writer|reporter|newsroom)) (at|on)\b.{0,80}|"
        r"(join|support) (our|the) .{0,40}(newsletter|community|journalism|membership).{0,60}|"
        r"listen to (this|the) (full )?(article|story|episode|podcast|interview)\b.{0,80}|"
        r"you (may|might) (also )?like.{0,20}|"
        r"recommended( for you| stories| reading)?|"
        r"(share|tweet|email|print|comment|comments|save|copy link|whatsapp|facebook|twitter|"
        r"linkedin|reddit|pinterest)( ?[|/·•]? ?(share|tweet|email|print|comments?|save|copy link|"
        r"whatsapp|facebook|twitter|linkedin|reddit|pinterest))*)[.!:]?$", _I)),
    ("furniture", re.compile(
        r"^(more on this (topic|story)|related( topics| stories| articles| coverage| content| "
        r"links| reading| news)?|tags?|topics?|filed under|most (read|popular|viewed|shared)|"
        r"trending( now| stories)?|menu|main menu|navigation|skip to( main)? content|"
        r"skip to navigation|see also|also read|more stories|more news|latest( news| stories)?|"
        r"top stories|editor'?s picks|in this article|what to read next|read next|up next|"
        r"search|log ?in|sign ?in|register|home|back to top|jump to|table of contents|"
        r"in case you missed it|keep reading)\s*([:>»]\s*\S.{0,200}|[:>»])?$", _I)),
    ("related", re.compile(
        r"^(\[[^\]]{3,200}\]|(exclusive|special report|analysis|explainer|watch|listen|related|"
        r"read( more| also)?|photos?|videos?|live|opinion|insight|breakingviews|breaking|"
        r"factbox|interactive|podcast|graphic|update|newsletter|more)\s*[-–—:|]+\s*\S.{0,200}|"
        r".{3,200}\|\s*[A-Z][\w.'’-]+( [A-Z][\w.'’-]+){0,3}\s+read more)$", _I)),
    ("gallery", re.compile(
        r"^((hide|show|toggle|view) caption\b.{0,20}|(image|photo|slide|picture|item)\s+\d+\s+"
        r"(of|/)\s+\d+.{0,40}|\d+\s+(of|/)\s+\d+|expand|enlarge( this)? image|fullscreen|"
        r"view (gallery|slideshow|photos?)|(photos?|gallery|in pictures|slideshow)\s*[:\-–—].{0,120}|"
        r"(previous|next)( image| slide| photo)?|open gallery.{0,30})$", _I)),
    ("video", re.compile(
        r"^(video ad feedback|now playing|play video|play|pause|replay|mute|unmute|"
        r"(watch|video|live video)\s*[:\-–—|]\s*.{0,160}|duration:?\s*\d{1,2}:\d{2}(:\d{2})?|"
        r"\d{1,2}:\d{2}(:\d{2})?|closed captions?|video (player|unavailable|loading).{0,40}|"
        r"this video (is|can) .{0,80})$", _I)),
    ("caption", re.compile(
        r"^((file photo|file|photo|photograph|image|picture|pictured|illustration|"
        r"image caption|caption)\s*[:\-–—]\s*\S.{0,400}|(image caption|caption),\s+\S.{0,400}|"
        r".{10,400}[/ ]handout( via [\w ]{2,30})?\.?|.{10,400}\bvia (REUTERS|AFP|AP|EPA|UPI|"
        r"Getty Images|[A-Z]{3,}( [A-Z]{3,})?)\.?)$", _I)),
    ("caption", re.compile(
        r"((\b(REUTERS|AFP|AP|EPA|AAP|ANP|ANSA|DPA|UPI|Xinhua|Anadolu|Bloomberg|Getty|Pool|"
        r"AP Photo|NurPhoto|SOPA Images|[A-Z]{2,}( [A-Z]{2,}){0,3})\s*/\s*[A-Z][\w.'’-]+"
        r"( [A-Z][\w.'’-]+){0,3}(\s*/\s*[\w ]{2,30})?\s*\.?\s*\)?)|"
        r"\((AP|AFP|Reuters|Getty|EPA|Photo|Photograph|Image|Picture|Credit|Courtesy)\b[^)]{0,80}\)|"
        r"(via |/ ?)?Getty Images|Shutterstock|Alamy( Stock Photo)?)\s*\.?$|"
        r"[.!?”’\"]\s+(Photo|Photograph|Picture|Image|Credit|Illustration|Video)s?\s*:\s*[^.]{2,90}"
        r"\.?$|\s(Photo|Photograph|Picture|Credit)s?:\s*[A-Z][^.:]{1,80}$|"
        r"\([^()]{0,40}\b([Pp]hoto|[Pp]hotograph|[Ii]mage)s?\s*/\s*[^()]{2,60}\)\s*\.?$|\bin (this|an?) (undated )?(file|handout|undated|family|provided)? ?(photo|picture|"
        r"image|photograph)( \w+){0,4}( (taken|released|provided|distributed|posted|shared|"
        r"obtained|made available)( by)?[^.]{0,80})?\.?$")),
    ("credit", re.compile(
        r"^((photograph|photo|image|picture|credit|image source|images?|photos?)\s*[:,]\s*.{1,80}|"
        r"(courtesy of|photo by|photographs? by|pictures? by|image by)\s+.{1,80}|"
        r"(getty images|shutterstock|alamy|reuters|afp|ap photo|epa|pool photo))\.?$", _I)),
    ("byline", re.compile(
        r"^(?i:by|words by|story by|text by)\s+[A-Z][\w.'’-]+( ([A-Z][\w.'’-]+|" + PARTICLES + r")){0,4}"
        r"((,| and|,? &) [A-Z][\w.'’-]+( ([A-Z][\w.'’-]+|" + PARTICLES + r")){0,4}){0,4}"
        r"(\s*[|,–—-]\s*[\w' ,]{2,60})?\.?$")),
    ("byline", re.compile(
        r"^[A-Z][\w.'’-]+( [A-Z][\w.'’-]+){1,3},?\s*[|,–—-]?\s*((senior|chief|staff|deputy|"
        r"foreign|political|special|business|science|health|diplomatic|defen[cs]e|security|"
        r"international|washington|economics|associate|contributing|managing|local|"
        r"investigative)\s+)*(correspondent|reporter|editor|writer|journalist|columnist|"
        r"contributor|analyst|bureau chief|staff writer)\b[\w ,]{0,40}$", _I)),
    ("footer", re.compile(
        r"^(©|\(c\)\s|copyright\b|all rights reserved|this (material|article|story|content) may "
        r"not be (published|reproduced|copied|redistributed)|(reporting|writing|editing|"
        r"additional reporting|compiled|produced|graphics?|research|fact-checking) by\b|"
        r"distributed by\b|syndicated by\b|(this|the) (story|article|report) (was|is) "
        r"(originally )?(published|produced|written) (by|in partnership|with)\b|"
        r"(the )?associated press (writers?|reporters?) .{2,120} contributed\b).{0,300}$", _I)),
    ("footer", re.compile(r"^.{0,200}\bcontributed (reporting )?to this (report|story|article)"
                          r"\.?$|^.{0,160}all rights reserved\.?.{0,160}$", _I)),
    ("bio", re.compile(
        r"^[A-Z][\w.'’-]+( [A-Z][\w.'’-]+){1,3} covers [^.]{2,80} (for|at) [^.]{2,60}\."
        r"( .{0,200})?$")),
    ("bio", re.compile(
        r"^[A-Z][\w.'’-]+( [A-Z][\w.'’-]+){1,3} (is|was) (an?|the) ([\w-]+ ){0,4}(reporter|correspondent|"
        r"writer|editor|journalist|columnist|producer|contributor|photographer|fellow)\b"
        r".{0,40}\b(at|for|with|of|covering|based|who)\b.{0,200}$")),
    ("update", re.compile(
        r"^(this (story|article|report|post) (has been|was|is being|will be) (updated|corrected|"
        r"amended)\b.{0,200}|(last )?updated\s*(at|on|:)?\s*(\d|(mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|"
        r"aug|sep|oct|nov|dec)\w*\b).{0,60}|"
        r"(correction|clarification|editor'?s note|update)\s*(\(.{1,40}\))?\s*[:\-–—]\s*.{0,400}|"
        r"(first )?published\s*(at|on|:)?\s*(\d|(mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|"
        r"jul|aug|sep|oct|nov|dec)\w*\b).{0,80})$", _I)),
    ("embed", re.compile(
        r"^([—–-]\s*.{1,80}\(@\w{1,30}\)\s+.{0,40}\d{4}|.{0,300}pic\.twitter\.com/\w+.{0,80}|"
        r"(https?://|www\.)\S+|@\w{1,30}|.{0,280}\(@\w{1,30}\)\s+\w+ \d{1,2}, \d{4})$", _I)),
]

TERMINAL = re.compile(r"[.!?…]['\"”’)\]]*$|[\"”’]\s*$")
WORD = re.compile(r"[A-Za-z][A-Za-z'’.-]*")
MINOR_WORDS = frozenset(
    ["a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on", "or", "over", "per", "the", "to", "up", "via", "with", "vs", "v"])
TRANSCRIPT_LABEL = re.compile(r"^[A-Z][A-Z .'’-]{1,60}(,\s*[A-Z][A-Za-z .'’-]{1,60})?:\s*$|"
                              r"^(Q|A)\s*[:.]\s")
DATELINE = re.compile(r"^[A-Z][A-Z .,'’-]{1,60}(\([^)]{1,40}\))?\s*[-–—]\s*\S")
BULLET = re.compile(r"^\s*([•·●▪◦*]|-|\d{1,2}[.)])\s+")
SENTENCE_END = re.compile(r"[.!…]['\"”’)\]]*$")
EMBED_SIGNATURE = re.compile(r"^[—–-]\s*.{1,80}\(@\w{1,30}\)")
LABEL_VALUE = re.compile(r"^[A-Z][\w ]{1,25}:\s+.*\d")
FACT_LINE = re.compile(r"^\s*([•·●▪◦*-]|\d{1,2}[.)])\s|:\s*[\d$€£¥]")
LEADING_DASH = re.compile(r"^\s*[–—-]\s+(?=[A-Z“\"])")
