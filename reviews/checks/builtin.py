"""The built-in checks; importing this module registers them all.

| name               | kinds | severity | when the data it needs is missing                          |
|--------------------|-------|----------|------------------------------------------------------------|
| placeholders       | email | hard     | -                                                          |
| length             | email | soft     | -                                                          |
| company_name       | email | soft     | no company name given: fails soft, says so                 |
| tone               | email | soft     | -                                                          |
| shouting           | email | soft     | -                                                          |
| evidence           | both  | soft     | no evidence: fails; a CRM field no entry backs: fails      |
|                    |       |          | (old-style evidence: only when it quotes no value at all)  |
| confidence         | both  | soft     | no confidence given: fails                                 |
| personal_data      | both  | hard     | -                                                          |
| field_validity     | crm   | hard     | no describe metadata: fails soft, "could not be read"      |
| do_not_contact     | email | hard     | no CRM record / unreadable: fails soft, "opt-out unknown"  |
| duplicate_outreach | email | soft     | -                                                          |
| repetition         | both  | soft     | -                                                          |
| ai_reviewer        | email | soft     | default only when HITLCRM_AI_REVIEWER_URL is set; timeout, |
|                    |       |          | unreadable answer, used-up budget: fails soft, says so     |
| sender_identity    | email | hard     | HITLCRM_SENDER_IDENTITY / _POSTAL_ADDRESS unset: fails     |
| lawful_basis       | email | hard     | recipient's country unknown: fails soft, says so           |
| contact_caps       | email | hard     | -                                                          |

Messages are one short sentence a reviewer can act on.
"""

from . import ai_reviewer, content, crm, evidence, outreach, personal_data, sending_rules  # noqa: F401  (registration)
from .ai_reviewer import AiReviewerCheck
from .content import CompanyNameCheck, LengthCheck, PlaceholderCheck, RepetitionCheck, ShoutingCheck, ToneCheck
from .crm import DoNotContactCheck, FieldValidityCheck
from .evidence import ConfidenceCheck, EvidenceCheck, confidence_shortfall
from .outreach import DuplicateOutreachCheck
from .personal_data import PersonalDataCheck
from .sending_rules import ContactCapsCheck, LawfulBasisCheck, SenderIdentityCheck

__all__ = [
    "AiReviewerCheck",
    "CompanyNameCheck",
    "ConfidenceCheck",
    "ContactCapsCheck",
    "DoNotContactCheck",
    "DuplicateOutreachCheck",
    "EvidenceCheck",
    "FieldValidityCheck",
    "LawfulBasisCheck",
    "LengthCheck",
    "PersonalDataCheck",
    "PlaceholderCheck",
    "RepetitionCheck",
    "SenderIdentityCheck",
    "ShoutingCheck",
    "ToneCheck",
    "confidence_shortfall",
]
