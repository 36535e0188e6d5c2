"""Recognising unfilled template slots in the text a recipient reads.

The merge tags of the common sending tools and template languages: ``{{first_name}}`` (HubSpot,
Outreach, Salesloft, Lemlist, Apollo, Marketo, Klaviyo, Liquid, Handlebars), ``{% if %}``, ``{# #}``,
``<%= name %>`` (ERB), ``[% name %]``, ``{first_name}``, ``{0}``, ``{$name}``, ``{contactfield=x}``,
``{!Contact.FirstName}``, ``${name}``, ``$first_name``, ``%(name)s``, ``[[name]]``,
``[firstname,fallback=]``, ``~Contact.FirstName~``, ``$[LF:FIRSTNAME]$``, ``[Company]``,
``[Company Name]``, ``[insert milestone]``, ``[FIRST_NAME]``, ``[stat]``, ``<<Company Name>>``,
``<NAME>``, ``<first name>``, ``<topic>``, ``%FIRST_NAME%``, ``%%FirstName%%``, ``%%First Name%%``,
``*|FNAME|*``, ``((first_name))``, ``__NAME__``, ``#FirstName#``, ``%%=v(@FirstName)=%%``,
``@first_name``, ``{first_name|there}``, ``%s``, ``@@city@@`` (any doubled mark), ``@city@``,
``<mention recent funding round>``, a field name for a name (``FIRSTNAME``, ``Hi Firstname,``,
``company_name``), "INSERT COMPANY NAME HERE", "NAME HERE", "[ ]", an HTML comment typed into plain
text, and a template's example names ("Acme Inc", "Company X", "XYZ Corp"). Notes to self ("[mention
their podcast]", "[Note: ...]", "(AI: ...)", "(name of their CRM?)", "NOTE TO SELF", "TODO: ...", "(insert stat)", "(add case
study)", "Draft v2 - ...", "... before sending", "make this paragraph more specific", "(... once we
know ...)", a line of capitals such as "INSERT CASE STUDY FROM SIMILAR BROKER"), blanks ("Dear ____,",
"your post about .") and stand-in figures ("X hours", "TK hours", "$XX", "X%", "N%", "??%", "on TBD").

What is not a slot: prose in brackets ("(see attached)", "[1]", "[Webinar recording]", "[PDF]",
"(source: ...)"), "Note: prices exclude VAT", prices ("$49/month", "$5k"), percentages ("20% off"),
markdown links ("[our guide](https://…)"), markup in an HTML body (its tags are stripped before) and
the prospect's own words: a quoted line (starting with ">"), an inline double-quoted passage, a code
or configuration block (fenced with backticks, or two or more indented lines shaped like code, YAML,
compose or nginx files). Those may well contain their own template text or code
(``${POSTGRES_PASSWORD}``).
"""

from __future__ import annotations

import re

from .base import Span  # noqa: F401  (where the shared span lived first; kept importable here)

# Words that make "[...]", "<...>" or "$..." a template slot rather than prose ("[Webinar]" is prose).
SLOT_WORDS = (
    "name|names|first|last|full|surname|company|company's|companies|organi[sz]ation|org|account|title|role|job|"
    "position|city|country|region|industry|product|service|date|day|time|recipient|recipient's|prospect|"
    "prospect's|contact|lead|email|phone|number|link|url|website|pain|point|competitor|team|department|person|"
    "insert|add|enter|your|their|his|her|here|value|field|placeholder|tbd|todo|x+|fname|lname|sender|signature|"
    "milestone|achievement|metric|customer|client|employer|location|address|salutation|"
    # What a template asks the writer to supply: "[stat]", "<topic>", "[relevant detail]", "$[amount]".
    "stat|stats|statistic|statistics|figure|percentage|percent|amount|benefit|testimonial|icebreaker|"
    "personali[sz]ation|trigger|hook|vertical|peer|mutual|referral|specific|detail|relevant|similar|topic|"
    "compliment|initials|nickname|niche|personali[sz]ed?|opener|snippet|variable|custom"
)
_SLOT = r"(?:" + SLOT_WORDS + r")"
# A bracketed phrase of 1-5 words (letters, apostrophes, dots, hyphens, slashes).
_PHRASE = r"(?:[A-Za-z][\w'.&/-]*\s+){0,4}"
_TITLE_WORD = r"(?:[A-Z][\w'&.-]*|of|the|and|or|for|to|a|an|in|at|on|s)"

# Notes the writer left for themselves (or for whoever edits the draft), in any letter case.
_NOTES = (
    r"|\bnotes?\s+(?:to|for)\s+(?:self|myself|me)\b|\breminder\s+to\s+(?:self|myself)\b"  # NOTE TO SELF: ...
    # A label addressed to the writer in brackets: "(AI: make this more specific)", "[SDR: add a line]".
    r"|[(\[]\s*(?:ai|gpt|chatgpt|llm|claude|copilot|assistant|bot|editor|editor's\s+note|writer|sdr|bdr|ae|rep|"
    r"internal|internal\s+note|private\s+note|draft|placeholder|personali[sz]ation|fact[- ]check|verify|check|"
    r"confirm|fill[- ]in)\s*(?::|\s-\s)[^()\[\]\n]{0,200}[)\]]?"
    r"|\[\s*(?:note|notes|reminder|comment)\b[^\[\]\n]{0,160}\]"       # [Note: update the figures]
    # A line that heads a draft: "Draft v2 - shorten the intro", "[DRAFT]", "v3:".
    r"|^[ \t]*\[?[ \t]*draft[ \t]*(?:#|no\.?[ \t]*)?(?:v(?:ersion)?[ \t]*\.?[ \t]*\d+(?:\.\d+)?|\d+)\b\]?"
    r"|^[ \t]*\[[ \t]*draft[ \t]*\]|^[ \t]*draft[ \t]*[:\u2013-]|^[ \t]*v\d+(?:\.\d+)?[ \t]*[:\u2013-]"
    # An instruction that only makes sense before the email goes: "... before sending", "(remove before send)".
    r"|\bbefore\s+(?:sending|send|we\s+send|you\s+send|it\s+goes\s+out|this\s+goes\s+out|hitting\s+send|"
    r"it\s+is\s+sent|this\s+is\s+sent|i\s+send)(?:\s+(?:it|this|out|the\s+email|the\s+draft))?(?=\s*(?:[.;:)\]!*]|$))"
    # An edit to the draft itself: "make this paragraph more specific", "shorten intro", "tighten this section".
    r"|\b(?:shorten|lengthen|tighten|trim|rewrite|rephrase|reword|redo|tweak|soften|punch\s+up|expand|adjust|amend|"
    r"personali[sz]e|customi[sz]e|polish|make|fix|cut|update|finish)\s+(?:up\s+)?(?:this\s+)?(?:first\s+|opening\s+|"
    r"second\s+|last\s+|closing\s+)?(?:paragraph|sentence|intro|introduction|opener|section|cta|p\.?s\.?(?=\s)|"
    r"(?<=this\s)line|"
    r"subject\s+line|sign[- ]off|opening\s+line|first\s+line)\b"
    # A condition on what the writer does not know yet: "(... once we know what they fly)".
    r"|\([^()\n]{0,120}\b(?:once\s+we\s+(?:know|have|hear|confirm|find|get)|when\s+we\s+(?:know|have|find)|"
    r"if\s+we\s+(?:can\s+)?(?:find|confirm|get)|to\s+be\s+confirmed|need\s+to\s+(?:check|confirm|verify|find)|"
    r"double[- ]check|fact[- ]check|look\s+(?:this\s+|it\s+)?up|find\s+out)\b[^()\n]{0,120}\)"
    # An instruction in sentence case where a line or sentence starts: "Insert a case study here.", "Add stat."
    r"|(?:^[ \t]*|(?<=[.!?:] ))(?:insert|add|include|mention|paste|personali[sz]e|drop\s+in|cite|fill\s+in)\s+"
    r"(?:(?:a|an|the|their|our|some|one|relevant|specific|recent|short|quick|real|another|1|2|one\s+or\s+two)\s+)*"
    r"(?:case\s+stud(?:y|ies)|stat(?:istic)?s?|testimonial|customer\s+(?:story|name|logo|quote)|quote|link|logo|"
    r"personali[sz]ation|personal\s+(?:line|note|touch)|icebreaker|opener|cta|calendly|social\s+proof|proof\s+point|"
    r"example|metric|figure|number|result|compliment|hook|reference|detail|line|sentence|paragraph)\b"
    r"|\bas\s+an\s+ai(?:\s+language)?\s+model\b"                        # a model's own words left in
    # Research the writer meant to do, in parentheses: "(check LinkedIn - is he still COO?)", "(verify her title)",
    # "(confirm spelling)"; and a question about the recipient in the third person: "(is she still head of ops?)".
    r"|\(\s*(?:check|verify|confirm|double[- ]check|look\s+up|google|research|find)\s+(?:on\s+|in\s+|via\s+|with\s+)?"
    r"(?:(?:(?:the|his|her|their)\s+)?(?:linkedin|crunchbase|zoominfo|apollo|crm|salesforce|hubspot|google|"
    r"companies\s+house|glassdoor|spelling|name|title|figures?|numbers?|stats?)|(?:(?:his|her|their)\s+)?(?:website|"
    r"site|job\s+title|role|headcount|revenue|funding|pronouns?|company\s+size))\b[^()\n]{0,120}\)"
    r"|\([^()\n]{0,80}?\b(?:is|was)\s+(?:he|she)\s+still\s+(?:the\s+)?(?:(?-i:[A-Z]{2,5})\b|head|director|vp|manager|"
    r"owner|in\s+charge|in\s+(?:the|that|this)\s+(?:role|job|seat)|running|responsible|the\s+(?:right|best)\s+"
    r"(?:person|contact)|the\s+decision|the\s+buyer|at\s+(?-i:[A-Z]))[^()\n]{0,60}\?\s*\)"
    # A place an earlier fill vanished from: "I saw your post about .", "the team at , ".
    r"|\b(?:at|for|with|about|on|like|from|of|the|to|into|by|in|your|our)[ \t]+[,.;:!?](?=[ \t]|$)"
)

_ANY_CASE = re.compile(
    r"\{\{[^{}]{0,80}\}\}"                                      # {{first_name}}  {{ company | default }}
    r"|\{%[^{}%]{1,80}%\}"                                       # {% if first_name %} (Jinja, Liquid)
    r"|\{![^{}]{1,80}\}"                                         # {!Contact.FirstName} (Salesforce)
    r"|\$\{[^{}]{1,80}\}"                                        # ${name}
    # {first_name} {first name} {contact.first_name}; not an attribute of the prospect's own system ("{service.name}",
    # "{deployment.environment}": a dotted name whose first part is no person, company or CRM record).
    r"|(?<![{\w])\{(?!\s*(?!(?:contact|lead|account|recipient|sender|user|company|prospect|person|customer|client|org|"
    r"organi[sz]ation|opportunity|deal|rep|owner|me|my|your|merge|field|crm)\.)[a-z]+\.[a-z_]+\s*\})"
    r"\s*[A-Za-z_][A-Za-z0-9_.]*(?:\s+[A-Za-z0-9_.]+){0,3}\s*\}(?!\})"
    r"|\[\[[^\[\]]{1,80}\]\]"                                    # [[name]]
    r"|\[\s*" + _PHRASE + _SLOT + r"(?:\s+[\w'.&/-]+){0,4}\s*\](?!\()"  # [Company]  [insert milestone]
    r"|<<[^<>\n]{0,80}>>|«[^«»\n]{1,80}»"                         # <<Company Name>>  «FirstName»
    r"|<\s*" + _PHRASE + _SLOT + r"(?:\s+[\w'.-]+){0,4}\s*>"    # <first name>  <Company>
    r"|\*\|[A-Za-z0-9_:]{1,40}\|\*"                              # *|FNAME|* (Mailchimp)
    r"|\(\(\s*[A-Za-z_][A-Za-z0-9_. ]{0,40}\)\)"                 # ((first_name)) (GOV.UK Notify)
    r"|%%[A-Za-z][A-Za-z0-9_. ]{0,40}%%"                         # %%FirstName%%  %%First Name%% (Pardot, Acoustic)
    # %company%  %Company%  %first name%: a field between percent signs, in any letter case (a percentage has
    # its figure before the sign, so "20% off ... 30%" never opens one).
    r"|(?<![\w%])%[A-Za-z][A-Za-z0-9_.]{0,30}(?:[ ][A-Za-z][A-Za-z0-9_.]{0,20}){0,2}%(?![\w%])"
    r"|<%[^%\n]{1,80}%>|\[%[^%\n]{1,80}%\]|\{#[^{}#\n]{1,80}#\}"     # <%= name %> (ERB, EJS)  [% name %]  {# note #}
    r"|~[A-Za-z_]\w*\.[A-Za-z_][\w.]*~"                             # ~Contact.FirstName~ (Keap)
    r"|\$\[[A-Z]{1,3}:[^\]\n]{1,40}\]\$"                              # $[LF:FIRSTNAME]$ (Zoho Campaigns)
    r"|\{\$\w{1,40}\}|\{\w{1,40}=[^{}\n]{0,40}\}|\{\d\}"              # {$name} (MailerLite)  {contactfield=firstname}  {0}
    r"|\[\w{1,40},\s*fallback=[^\]\n]{0,40}\]"                        # [firstname,fallback=there] (Campaign Monitor)
    r"|%\([a-z_]{1,40}\)[sd]\b"                                     # %(first_name)s
    r"|(?<![\w%])%(?:\d\$)?[sd](?![\w%])"                          # "Hi %s," (printf)
    # A field between doubled marks: "@@city@@", "##name##", "$$company$$", "||first||", "^^name^^"; and "@city@".
    r"|(?P<mark>[@#$^|!+])(?P=mark)[A-Za-z_][\w. ]{0,40}?(?P=mark){2}|(?<![\w@])@[A-Za-z_]\w{1,30}@(?![\w@])"
    # A note pointed at the text: "<-- add the real stat here", "<<-- check"; a comment line: "// swap this para".
    r"|<<?-{1,2}[ \t]*[A-Za-z][^\n]{0,160}|^[ \t]*//[ \t]*[A-Za-z][^\n]{0,200}|/\*[^\n]{1,200}?\*/"
    # A link still to be made: "calendly.com/your-link", "https://calendly.com/YOUR-LINK", "book here: my_link".
    r"|(?<=/)(?:your|my|insert|add|enter)[-_](?:link|name|calendar|handle|url|company|page|username|slug|booking)\b"
    # Both openings left in: "Option A: Following up on our meeting. / Option B: Great to meet you at the expo."
    r"|\boption\s*[a1][ \t]*:[^\n]*\boption\s*[b2][ \t]*:"
    # A sequence's step label: "--- Step 2 (send 3 days after Step 1 if no reply) ---", "(send if no reply by Friday)".
    r"|^[ \t]*[-=*#~]{2,}[ \t]*(?:step|email|touch|day|follow[- ]?up)[ \t]*\d+\b[^\n]*"
    r"|\(\s*send\b[^()\n]{0,120}\)"
    # An emptied name after a title: "Dear Mr. ,", "Hi Dr ,".
    r"|\b(?:dear|hi|hello)[ \t]+(?:mr|mrs|ms|miss|mx|dr|prof|sr|sra|herr|frau|mme|m)\.?[ \t]*,"
    # A colleague asked inside the draft: "@Sam can you confirm the pricing before I send this?"
    r"|(?<![\w.@])@(?-i:[A-Z])[a-z]{1,20}\b(?=[ \t,:]+(?:can\s+you|could\s+you|pls|please|check|confirm|thoughts|"
    r"what\s+do|is\s+this|is\s+that|do\s+we|did\s+we|any\s+(?:update|thoughts|news)|ok\s*\?|okay\s*\?))"
    # A comment marker and an edit mid-line: "... closed. // tweak this line for healthcare".
    r"|(?<=\s)//[ \t]*(?:tweak|todo|note|check|fix|change|update|swap|add|remove|mention|replace|adjust|rewrite|cut)\b"
    r"[^\n]{0,200}"
    # A question for a colleague in parentheses: "(or 15%? check w/ Dan)"; "Q for Meera: do they use Tally?".
    r"|\([^()\n]{0,80}\b(?:check|confirm|ask)\s+(?:w/|with)\s*(?-i:[A-Z])\w*[^()\n]{0,40}\)"
    r"|\bQ\s+(?:for|to)\s+(?-i:[A-Z])\w+\s*:"
    # A sending tool's snippet or field reference: "{snippet:case_study_fintech}", "{field:company}".
    r"|\{\s*[a-z_]+\s*:\s*[^{}\s]{1,60}\s*\}"
    # An instruction to the writer with no noun: "PS - personalise this, mention their win?" (not "we can tailor it to
    # your team", "... in the subject field to personalise it").
    r"|(?<!\bto )(?<!\band )\b(?:personali[sz]e|customi[sz]e|tailor)\s+(?:this|it)\b(?!\s+(?:for|to)\s+(?:you|your|each))"
    # Media to put in: "(screenshot of last year's setup here)", "(logo here)".
    r"|\(\s*(?:screenshot|image|photo|picture|logo|chart|graph|gif|video|link|quote|stat|case\s+study|diagram)\b"
    r"[^()\n]{0,120}\bhere\s*\)"
    # A name field in lower case after the greeting: "Hi first name,".
    r"|\b(?:hi|hello|hey|dear)[ \t]+(?:first[ \t]+name|last[ \t]+name|full[ \t]+name|contact[ \t]+name)[ \t]*[,!:]"
    # A note between markers: ">>> add compliment here <<<", "<<< check >>>".
    r"|>{2,}[ \t]*[A-Za-z][^<>\n]{0,160}?[ \t]*<{2,}|<{3,}[ \t]*[A-Za-z][^<>\n]{0,160}?[ \t]*>{3,}"
    # A slot asked as a question in parentheses: "(price?)", "(exact figure?)", "(date??)".
    r"|\(\s*(?:[\w']+\s+){0,2}(?:price|cost|rate|fee|amount|figure|number|stat|date|time|name|title|percent|percentage|"
    r"discount|saving|savings|total)\s*\?+\s*\)"
    # A form's instruction typed into the letter: "Dear Sir/Madam (delete as appropriate)".
    r"|\b(?:delete|strike\s+out|cross\s+out|circle|tick)\s+(?:as\s+(?:appropriate|applicable)|where\s+applicable|"
    r"whichever\s+(?:applies|does\s+not\s+apply))\b"
    # A question for a colleague: "(ask Priya for the exact number)", "(check with sales re pricing)".
    r"|\(\s*(?:ask|check\s+with|confirm\s+with|get\s+from|chase)\s+(?:(?-i:[A-Z])\w+|the\s+\w+|our\s+\w+|sales|marketing|"
    r"legal|finance|ops|the\s+team)\b[^()\n]{0,120}\)"
    # Alternatives left for the writer to pick: "Option A: Want to hop on a call?", "CTA 2: ...", "Version B: ...".
    r"|^[ \t]*(?:option|choice)[ \t]*[A-C1-3][ \t]*[:)\u2013-][^\n]*\?[ \t]*$"
    r"|^[ \t]*(?:version|variant|alt(?:ernative)?|cta|subject\s+line)[ \t]*[A-C1-3][ \t]*[:)\u2013-]"
    # A word processor's form field: "Click or tap here to enter text.", "Click here to enter a date."
    r"|\b(?:click|tap)(?:\s+or\s+(?:click|tap))?\s+here\s+to\s+(?:enter|add|type|insert|choose)\s+(?:text|a\s+date|"
    r"an?\s+item|date)\b"
    # A tool's link to be pasted: "Calendly link here", "booking link here".
    r"|\b(?:calendly|booking|meeting|calendar|scheduling|demo|video|loom|zoom|teams|hubspot|chili\s*piper|savvycal|"
    r"doodle|registration|sign[- ]?up|form|survey|deck|case\s+study|brochure|download|webinar)\s+link\s+here\b"
    # An instruction in angle brackets: "<mention recent funding round>", "<insert a line about their launch>".
    r"|<\s*(?:mention|insert|add|include|reference|find|fill|put|personali[sz]e|todo|tbd|check|confirm|replace|"
    r"look\s+up|pull|cite|drop|paste|write|describe|something|custom|personal|name\s+of|link\s+to)\b[^<>\n]{0,160}>"
    # A question about the recipient in the third person, in parentheses: "(name of their CRM? Vitec or Mspecs?)",
    # "(which ERP do they run?)", "(what's her title?)" - research the writer meant to do; a question that speaks
    # to the reader ("(is she still with you?)") is said to them.
    r"|\((?![^()\n]*\b(?:you|your)\b)\s*(?:name\s+of|which|what(?:'s|\s+is|\s+are|\s+do|\s+does)?|who(?:'s|\s+is)?|how\s+many|how\s+much|does|"
    r"do|did|are|is|was|were|has|have)\b[^()\n]{0,80}?\b(?:their|his|her|they|he|she)\b[^()\n]{0,80}\?[^()\n]{0,80}\)"
    r"|\[[ \t]{0,3}\]"                                              # "Hi [ ]," (an empty slot)
    r"|<!--[^\n]{0,300}?-->"                                        # <!-- personalise --> typed into a plain-text body
    r"|\$[a-z]{0,12}?" + _SLOT + r"(?:_?\w+)?\b"                 # $company  $COMPANY  $first_name  $firstname
    r"|\binsert\s+[^.!?\n<>]{1,50}?\s+here\b"                    # Insert company name here
    r"|\b(?:hi|hello|hey|dear|greetings|good\s+(?:morning|afternoon|evening))[ \t]+(?:\{\s*\}[ \t]*)?,"  # "Hi ," "Hi {},"
    r"|(?<=[\s(])['\u2019]s\b(?=\s)"                               # "Congrats on 's new office" (an empty fill)
    r"|\[\s*(?:mention|insert|add|include|reference|find|fill|put|personali[sz]e|todo|tbd|check|confirm|replace|"
    r"look\s+up|pull|cite|drop|paste|write|something|custom|personal)\b[^\[\]\n]{0,160}\](?!\()"  # [mention their podcast …]
    r"|\(\s*(?:insert|personali[sz]e|add|include|mention|cite|drop|paste|fill\s+in|pull|swap|replace|tbd|tbc|todo|"
    r"placeholder|attach|embed|upload|link\s+to|rewrite|shorten)\b(?![-'])[^()\n]{0,80}\)"  # (insert stat)  (attach deck)
    r"|\{\s*[A-Za-z_][\w.]*\s*\|[^{}\n]{0,40}\}"                  # {first_name|there}
    r"|@(?:first|last|full|company|contact|recipient)_?name\b"       # @first_name
    r"|(?<![\w?!])\?{2,}"                                            # "by ??%"
    r"|%%=[^%\n]{1,80}=%%|%%\[[^%\n]{1,80}\]%%"                   # %%=v(@FirstName)=%% (AMPscript)
    r"|(?<![\w#])#[A-Za-z_][A-Za-z0-9_.]{1,40}#(?![\w#])"         # #FirstName# (Zoho, Act-On)
    r"|(?<!\w)_{3,}(?!\w)"                                         # "Dear ____," (a blank to fill)
    r"|^[ \t]*(?:todo|tbd|fixme|tk)\b\s*[:\-]"                    # "TODO: add a line about their stack"
    + _NOTES +
    r"|\(\s*(?:(?:your|their|the|prospect|prospect's)\s+)?(?:company|first|last|full|contact|prospect|recipient|client|"
    r"customer|account|business|practice)(?:'s)?\s+(?:name|company|title|role|industry)\s*\)"  # (company name)
    # A slot in parentheses: "(your name)", "(topic)", "(similar company)", "(recent news item)", "(relevant stat)".
    # Only the slot's own words, so "(customer success)", "(see attached)" or "Twitter (X)" are prose.
    r"|\(\s*(?:(?:your|their|his|her|the|prospect's|recipient's|client's|contact's|similar|relevant|recent|specific|"
    r"mutual|local|competitor's|sender's|rep's)\s+){0,2}(?:first\s+name|last\s+name|full\s+name|name|company(?:\s+name)?|"
    r"organi[sz]ation|topic|job\s+title|title|role|industry|city|competitor|pain\s+point|stat|statistic|metric|figure|"
    r"news(?:\s+item)?|event|achievement|milestone|case\s+study|customer\s+(?:name|story|example)|link|url|signature|"
    r"personali[sz]ation|opener|icebreaker)\s*\)"
    # A sign-off's slot on a line of its own: "YOUR NAME", "Your Title", "Sender name".
    r"|^[ \t]*(?:your|sender's|sender|rep's|rep|my|agent|sdr|bdr|ae|csm|salesperson|account\s+manager|owner's)\s+"
    r"(?:full\s+)?(?:name|title|job\s+title|company|signature|"
    r"phone(?:\s+number)?|email(?:\s+address)?)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# Forms that mean a slot only in their usual letter case ("<b>" is markup, "50% off" is prose,
# "$AAPL" is a ticker, "Add notes here" is prose).
_CASED = re.compile(
    r"%[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*%|%[a-z]+(?:_[a-z]+)+%|%[A-Z][a-z]+(?:[A-Z][a-z]+)+%"  # %NAME% %first_name%
    r"|<[A-Z][A-Z_ ]{1,40}>|<[a-z]+_[a-z_]+>"                    # <NAME>  <COMPANY NAME>  <first_name>
    r"|\[[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\]"                        # [FIRST_NAME]
    # [recent funding round]  [launch / funding]; not a tag for what comes with the email ("[map attached]",
    # "[webinar recording]", "[48 minutes; the Q&A starts at 31:10]").
    r"|\[(?![^\]\n]*\b(?:attached|enclosed|inside|recording|recorded|pdf|video|slides|photos?|map|report|replay|"
    r"transcript|agenda|minutes|pages?)\b)[a-z]+(?:\s*[ /-]\s*[a-z]+){1,6}\](?!\()"
    r"|\[\s*" + _TITLE_WORD + r"(?:\s+" + _TITLE_WORD + r"){1,5}\s*\](?!\()"  # [Case Study Link]  [Recent News]
    r"|\$[a-z]+_[a-z_]+\b|\$[a-z]+[A-Z][A-Za-z]+\b"              # $first_name  $firstName
    r"|__[A-Z][A-Z0-9_]*__"                                      # __FIRST_NAME__
    r"|\b(?:ADD|ENTER|PUT|INSERT)\s+[A-Z][A-Z' ]{1,40}\s+HERE\b"   # ADD NAME HERE
    r"|\$X+(?:[.,]X+)?[KMB]?\b|(?<![\w.$])X+(?:\.X+)?\s?%"        # "$XX per square foot", "by X%"
    r"|\bX{2,}\b"                                                # XXX, "by XX" (a figure left to fill)
    r"|\b(?:FIRST_?NAME|LAST_?NAME|FULL_?NAME|COMPANY_?NAME|FNAME|LNAME)\b"  # Hi FIRSTNAME,
    # A slot's word in capitals after a word in lower case: "your team at COMPANY", "clinics in CITY" (not a line
    # of capitals, which the shouting check reads).
    # (the capitals are tried first: most positions fail there, before the look back at the word before)
    r"|(?=(?:COMPANY|CITY|INDUSTRY|COMPETITOR|PROSPECT|CLIENT|CUSTOMER|ORGANI[SZ]ATION|ACCOUNT)\b)(?:" + "|".join(
        f"(?<=\\b{word} )" for word in ("at", "for", "with", "from", "to", "in", "of", "about", "like", "as", "than"))
    + r")(?:COMPANY|CITY|INDUSTRY|COMPETITOR|PROSPECT|CLIENT|CUSTOMER|ORGANI[SZ]ATION|ACCOUNT)\b(?![ \t]+[A-Z]{2,})"
    r"|\b(?:[XN]|NN|NNN)\s+(?:hours?|days?|weeks?|months?|years?|minutes?|seconds?|percent|per\s+cent|times|people|customers|"
    r"clients|users|reps|leads|deals|meetings|dollars|calls|tickets|locations|sites|stores|offices|members|"
    r"patients|orders|claims|accounts|visits|bookings)\b"           # "around X hours a week"
    r"|\b(?:TODO|FIXME|TKTK)\b|\b(?:TBD|TBC|TK|XXX|NOTE|NB)\s*:(?=\s)"      # a note to self left in ("TBD: a stat")
    r"|(?<=: )(?:TBD|TBC)\b"                                       # "Pilot price: TBD." (a field left empty)
    # A link or name in capitals where it goes: "Full case study: LINK", "Book here: URL".
    r"|(?<=: )(?:LINK|URL|LINK HERE|CALENDAR LINK|NAME|DATE)\b(?!\s+[A-Z]{2,})"
    r"|\bTK\b(?=\s+[a-z]+s\b)"                                    # "handled TK pages" (a figure to come)
    # A capitals instruction naming its slot: "***ADD ROI NUMBER***", "UPDATE PRICE HERE".
    r"|\b(?:ADD|ENTER|UPDATE|CONFIRM|CHECK|INCLUDE|PUT)[ \t]+(?:[A-Z][A-Z0-9'&/-]*[ \t]+){0,3}(?:NUMBER|FIGURE|STAT|"
    r"NAME|DATE|LINK|PRICE|ROI|AMOUNT|DETAILS|HERE|PERCENTAGE|SAVINGS)\b"
    # A name field alone: "Dear Dr. Lastname,", "Dear Khun Firstname,".
    r"|\b(?:Firstname|FirstName|FIRSTNAME|Lastname|LastName|LASTNAME|Surname|SURNAME)\b(?=\s*[,!:\n])"
    # A figure written as zeros or x's: "about 000 hours", "000-000-0000", "xxx EUR", "xx%".
    r"|(?<![\d,.])(?<!\d )(?<!\d\u00a0)0{3,}(?![\d,.])"
    r"|\bx{2,}(?:[.,]x+)?(?=\s?(?:%|[A-Z]{3}\b|k\b|(?:hours?|days?|weeks?|months?|tonnes?|tons?|units?|people|"
    r"percent|dollars|euros?|pounds?)\b))|(?<=[$\u20ac\u00a3])x{2,}\b"
    # A date to be filled in: "closes on DD Month", "by Month DD", "DD/MM/YYYY", "on DD.MM. at 10:00".
    r"|\bDD\s+(?:Month|MM|MMM|Mon)\b|\bMonth\s+DD\b|\b(?:DD|MM)[./-](?:MM|DD)\b(?:[./-](?:YYYY|YY)\b|\.)?"
    # An editor's note signed with initials: "[JM: too long? cut this para]", "(AK - check the figure)".
    # (Written in words: "(TSX: GPT.UN)" is a ticker, "(EU: 20 sites)" a region.)
    r"|[(\[][ \t]*(?!(?:NB|PS|PPS|FYI|ETA|RE|CC|EU|UK|US|USA|UAE|EN|FR|DE|ES|IT|NL|TSX|ASX|LSE|SIX|JSE|NSE|BSE)\b)"
    r"[A-Z]{2,3}[ \t]*(?::|[ \t]-[ \t])(?=[^()\[\]\n]*[a-z]{2})[^()\[\]\n]{1,200}[)\]]"
    # A template's name pair and its company: "Dear Firstname Lastname,", "Company Name Ltd".
    r"|\b(?:Firstname|FirstName|First\s+Name|FIRSTNAME|FIRST\s+NAME)\s+(?:Lastname|LastName|Last\s+Name|Surname|"
    r"LASTNAME|LAST\s+NAME|SURNAME)\b"
    r"|\b(?:Company|Business|Organi[sz]ation|Client|Customer|Practice|Brand)\s+Name\b"
    r"|\b(?:Jane|John)\s+(?:Doe|Smith)\b|\bJoe\s+Bloggs\b|\b(?:Max|Erika)\s+Mustermann\b|\bJohn\s+Q\.?\s+Public\b"
    # "in Manchester on TBD", "at TBC": where a date or a place was to be filled in ("Venue TBD" is a label).
    r"|(?:" + "|".join(f"(?<=\\b{word} )" for word in ("on", "at", "in", "by", "from", "until", "till", "for", "around",
                                                          "before", "after", "is", "are")) + r")(?:TBD|TBC)\b"
    r"|<[a-z]+(?:\s+[a-z]+){1,6}>"                                 # <recent funding round> (not a tag: no "=")
    # Journalists' "TK" for a figure still to come: "about TK hours", "by TK%".
    r"|\bTK\b(?=\s?%|\s+(?:hours?|days?|weeks?|months?|years?|minutes?|percent|times|people|customers|clients|users|"
    r"dollars|calls|tickets|leads|deals|meetings|sites|locations)\b)"
    r"|(?:" + "|".join(f"(?<=\\b{word} )" for word in (
        "about", "around", "roughly", "nearly", "over", "under", "by", "save", "saves", "saved", "of", "to", "cut",
        "only", "just", "approximately")) + r")TK\b"
    r"|(?<![\w.$#])(?:N{1,3}|#{1,3})(?:\.#+)?\s?%"                         # "by N%", "NN%", "##%" (stand-in percentages)
    # A single word in brackets written as a field: "[stat]", "[ATTACHMENT]" (not "[sic]" or a subject tag).
    r"|\[(?!(?:sic|question|quick\s+question|intro|update|reminder|invite|fyi|webinar|event|video|pdf|demo|guide|"
    r"report|news|new|offer|free|rsvp|follow[- ]up|re|fwd|ext|external)\])[a-z]{2,30}\]"
    r"|\[(?!(?:PDF|NEW|UPDATE|UPDATED|VIDEO|WEBINAR|EVENT|INVITE|INVITATION|REMINDER|FYI|ACTION|URGENT|IMPORTANT|SIC|"
    r"EXTERNAL|EXT|FWD|AD|PR|PS|EDIT|EDITED|DEMO|SALE|OFFER|GUIDE|REPORT|AUDIO|LIVE|BETA|ALERT|INFO|TIP|BLOG|NEWS|"
    r"PODCAST|FREE|RSVP|QUOTE|PHOTO|PHOTOS|LINK|CASE STUDY)\])[A-Z]{3,30}\]"
    # Capitals ending in HERE: "NAME HERE", "COMPANY LOGO HERE" (not "CLICK HERE").
    r"|\b(?!(?:CLICK|SIGN|START|TAP|REPLY|RESPOND|BOOK|REGISTER|JOIN|APPLY)\b)[A-Z]{2,}(?:\s+[A-Z]{2,}){0,3}\s+HERE\b"
    # A field name where a name should be: "Hi Firstname,", "at company_name", "Dear firstName".
    r"|\b(?:first|last|full|company|contact|account|prospect|recipient|sender|business)_(?:name|title|company|email)\b"
    r"|\b(?:first|last|full|company|contact|account|prospect|recipient|sender)(?:Name|Title|Company)\b"
    r"|(?:" + "|".join(f"(?<=\\b{word} )" for word in ("Hi", "HI", "Hello", "Hey", "Dear")) + r")"
    r"(?:Firstname|FirstName|Name|NAME|Contact|Recipient|Prospect)(?=\s*[,!:\n])"
    # A template's example company or person, never the prospect: "Acme Inc", "Company X", "XYZ Corp", "John Doe".
    r"|\b(?:Acme|ACME)\s+(?:Inc|Corp|Corporation|Co|Company|Ltd|LLC|Industries|Widgets|Pty|Limited|PLC|plc|GmbH|AG|SA|"
    r"SAS|SARL|SRL|BV|NV|AB|AS|Oy|KK|Pvt|Holdings|Group)\b\.?"
    r"|\bAcme\s+(?:Manufacturing|Logistics|Foods|Solutions|Systems|Technologies|Tech|Services|Enterprises|Retail|"
    r"Health|Healthcare|Bank|Insurance|Energy|Motors|Software|Labs|Consulting|Partners|Media)\b"
    r"|\bAcme(?=\s+(?:and|or|have|has|had|saw|sees|cut|cuts|use|used|uses|is|are|was|were|grew|reduced|increased|"
    r"doubled|tripled|switched|went)\b)"
    r"|\b(?:Company|Client|Customer|Brand|Competitor|Vendor|Prospect)\s+(?:X|Y|Z|XYZ|ABC)\b"
    r"|\b(?:XYZ|ABC)\s+(?:Corp|Corporation|Inc|Company|Co|Ltd|LLC|Industries|Bank|Group|Holdings|Hospital|Clinic|"
    r"Logistics|Foods|Manufacturing|Retail|Insurance|Energy|Motors|Partners)\b\.?"
    # "At Acme Women's Hospital": the template's example company before an institution.
    r"|\bAcme\s+(?:[A-Z][\w']*\s+){0,2}(?:Hospital|Clinic|Bank|University|College|School|Hotel|Hotels|Airlines|"
    r"Pharmacy|Dental|Insurance|Council|Foundation)\b"
    r"|#(?:N/A|REF!|VALUE!|NAME\?|DIV/0!|NULL!)"                     # "Hi #N/A," (a spreadsheet's error for a name)
    r"|\bNAME\s+OF\s+(?:THE\s+)?(?:CLIENT|COMPANY|CUSTOMER|PROSPECT|CONTACT|BRAND|PRODUCT|EVENT|PERSON|SCHOOL|"
    r"HOSPITAL)\b"
    r"|\b(?:Name\s+Surname|Job\s+Title|Your\s+Title)\b"
    r"|\b[Ll]orem\s+ipsum\b|\b(?:your|their|my)(?:company|website|domain|site|brand|business)(?:name)?\.com\b"
    # An instruction in capitals: "INSERT PERSONALIZED FIRST LINE" anywhere; "INCLUDE QUOTE FROM THE CFO" as a
    # line of its own ("We ADD VALUE FOR EVERY TEAM" is shouting, not a slot).
    r"|\b(?:INSERT|PERSONALI[SZ]E|PASTE|FILL\s+IN)(?:[ \t]+[A-Z][A-Z0-9'&/-]*)+"
    r"|^[ \t]*(?:ADD|ENTER|PUT|INSERT|INCLUDE|MENTION|PASTE|PERSONALI[SZ]E|REFERENCE|DROP|CITE)"
    r"(?:[ \t]+[A-Z][A-Z0-9'&/-]*){2,}[ \t]*[.:]?(?=[ \t]*$)",
    re.MULTILINE,
)
# A quoted line ("> ...") is the prospect's text, not the sender's: replaced by blanks so offsets hold.
# (Not a line fenced by markers, ">>> add a compliment here <<<": the writer's note, not a quotation.)
_QUOTED_LINE = re.compile(r"^[ \t]*>(?!.*<<[ \t]*$).*$", re.MULTILINE)
# Inline double-quoted words ('the greeting "Hi {{first_name}}," arrived') are the prospect's too:
# a quotation on one line, straight or typographic quotes.
_INLINE_QUOTE = re.compile(r"\"[^\"\n]{1,300}\"|\u201c[^\u201d\n]{1,300}\u201d")
_FENCE = re.compile(r"^[ \t]*```.*?^[ \t]*```[^\n]*$", re.MULTILINE | re.DOTALL)
# A line of configuration or code: "key: value" with an identifier key, "key=value", a brace or
# semicolon at the end, a list item of YAML ("- image: x").
_CODE_LINE = re.compile(
    r"^[ \t]*(?:-[ \t]+)?[A-Za-z_][\w.\-]*:(?:[ \t]+\S.*)?$"
    r"|^[ \t]*[A-Za-z_][\w.\-]*[ \t]*=[ \t]*\S.*$"
    r"|^.*[{};][ \t]*$"
)
_INDENTED = re.compile(r"^(?: {2,}|\t)\S")


def _code_lines(lines: list[str]) -> set[int]:
    """Indexes of lines inside a code or configuration block: a run of two or more lines, each
    indented or shaped like configuration, at least one of them indented and one shaped like code
    (so an indented paragraph of prose is still read)."""
    blocked: set[int] = set()
    run: list[int] = []
    for index, line in enumerate([*lines, ""]):
        if line.strip() and (_INDENTED.match(line) or _CODE_LINE.match(line)):
            run.append(index)
            continue
        if len(run) >= 2 and any(_INDENTED.match(lines[i]) for i in run) and any(_CODE_LINE.match(lines[i]) for i in run):
            blocked.update(run)
        run = []
    return blocked


# Inline code in backticks ("set `{{ first_name }}` in the editor"): the product's syntax shown, not a slot; and
# an API path with a parameter ("GET /v2/properties/{propertyId}/availability"), the prospect's documented endpoint.
_INLINE_CODE = re.compile(r"`[^`\n]{1,200}`"
                          # a template's syntax given as an example: "e.g. {{ ref('stg_orders') }}"
                          r"|(?:(?<=e\.g\. )|(?<=e\.g\., )|(?<=for example ))(?:\{\{[^{}\n]{1,80}\}\}|\{%[^{}\n]{1,80}%\})"
                          r"|(?<![\w/:.])/(?:[\w.-]+/)*[\w.-]*\{[A-Za-z_]\w*\}[\w.-]*(?:/[\w.{}-]+)*/?")
# A line introducing an example of what someone writes or sees: "in the template editor you'd write:", "the
# subject line would look like this:". The lines shown after it are an example, like a code block.
_SHOWS_AN_EXAMPLE = re.compile(
    r"\b(?:write|writes|type|types|enter|paste|template|templates|templating|syntax|snippet|markup|merge\s+(?:field|"
    r"tag)s?|variables?|looks?\s+like|would\s+look|like\s+(?:this|so)|as\s+follows|format(?:ted)?\s+(?:as|like)|"
    r"(?:one|a\s+single|a)\s+line|config(?:uration)?|for\s+example|e\.g\.)\b"
    r"[^\n]*:[ \t]*$", re.IGNORECASE)
EXAMPLE_MAX_LINES = 5


def _example_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines an introducing line ending in a colon shows as an example: the next run of
    non-empty lines (blank lines between allowed), at most five."""
    shown: set[int] = set()
    for index, line in enumerate(lines):
        if not line.rstrip().endswith(":") or not _SHOWS_AN_EXAMPLE.search(line):
            continue
        at = index + 1
        while at < len(lines) and not lines[at].strip():
            at += 1
        run = 0
        while at < len(lines) and lines[at].strip() and run < EXAMPLE_MAX_LINES:
            shown.add(at)
            at += 1
            run += 1
    return shown


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


# What stands in for an inline quote or code span: a mark, not spaces, because the span is a phrase of its
# sentence ("with `AUTO_SUSPEND = 600`.", "in the `<head>`."), and a run of spaces where it was would read as
# a fill that vanished ("with .", "the ."). Neither a word nor a space, so no rule reads it as either.
INLINE_MASK = "\u2022"


def _mask(match: re.Match[str]) -> str:
    return INLINE_MASK * len(match.group(0))


def unquoted(text: str) -> str:
    """The text with the prospect's words blanked: quoted lines ("> ..."), inline double quotes, and
    code or configuration blocks (fenced, or indented lines of code); and the syntax an email shows
    rather than says: inline code in backticks, and the lines shown after a line introducing an
    example ("... you'd write:"), inline ones marked with ``INLINE_MASK``. Same length, so spans index
    the original."""
    text = _FENCE.sub(_blank, _QUOTED_LINE.sub(_blank, text))
    lines = text.split("\n")
    for index in _code_lines(lines) | _example_lines(lines):
        lines[index] = " " * len(lines[index])
    return _INLINE_QUOTE.sub(_mask, _INLINE_CODE.sub(_mask, "\n".join(lines)))


# A field name written where its value goes: "Best,\nREP_NAME", "at COMPANY_NAME", "book here: calendar_link".
# Words joined by underscores, all capitals or all lower case, not inside an address, a path or a file name.
_FIELD_NAME = re.compile(
    r"(?<![\w$%{<\[/.@#:-])(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![\w}>\]%@/(-])(?!\.\w)")
# A part that names what a sender fills in: a person, their company, the sender's own details.
_FIELD_SLOT_PARTS = frozenset((
    "name names firstname lastname fullname fname lname surname companyname company title jobtitle email phone "
    "signature salutation greeting rep sender prospect recipient contact customer client calendar booking meeting "
    "icebreaker opener personalisation personalization personalised personalized competitor industry city insert "
    "placeholder tbd todo case study"
).split())
# A part of a setting, a variable or a column: "DB_NAME", "API_KEY", "CLIENT_ID", "user_name" are the product's
# vocabulary, not a slot left empty.
_FIELD_TECH_PARTS = frozenset((
    "db database api host hostname server bucket app env aws s3 gcp sql redis postgres postgresql mysql smtp imap "
    "http https ssl tls key token secret password pass pwd path dir port config cfg max min timeout log logs debug "
    "node java python django domain queue cache file table schema cluster service repo branch image container pod "
    "namespace user username id uuid url uri endpoint webhook oauth jwt tenant region zone var tmp home root admin "
    "auth sso ldap dns ip vpc arn sha hash cert tag label metric metrics alert field column col row idx index"
).split())


# A part that asks for the value whatever else the name says: "INSERT_BOOKING_URL", "YOUR_CALENDAR_LINK".
_FIELD_ASKS = frozenset("insert your add enter todo tbd placeholder".split())


def _field_names(text: str) -> list[re.Match[str]]:
    return [match for match in _FIELD_NAME.finditer(text)
            if (parts := set(match.group(0).lower().split("_"))) & _FIELD_SLOT_PARTS
            and (not parts & _FIELD_TECH_PARTS or parts & _FIELD_ASKS)]


def placeholder_matches(text: str) -> list[re.Match[str]]:
    """Template slots in visible text outside quoted lines, in order, overlaps removed (an HTML
    body's tags are stripped before, so a "<NAME>" left in it was written as visible text)."""
    visible = unquoted(text)
    found = sorted([*_ANY_CASE.finditer(visible), *_CASED.finditer(visible), *_field_names(visible)],
                   key=lambda m: (m.start(), -m.end()))
    kept: list[re.Match[str]] = []
    for match in found:
        if not kept or match.start() >= kept[-1].end():
            kept.append(match)
    return kept


def placeholders_in(text: str) -> list[str]:
    """The distinct slots found, as written."""
    return list(dict.fromkeys(match.group(0) for match in placeholder_matches(text)))
