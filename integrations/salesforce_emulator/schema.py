"""The emulator's org metadata: the standard objects and fields hitlcrm uses, shaped like the
REST API's sObject Describe result.

https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_describesobjects_describesobjectresult.htm
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

# Types whose values are JSON strings on the wire.
TEXT_TYPES = {"string", "email", "phone", "picklist", "multipicklist", "textarea", "url", "combobox", "id", "reference"}
NUMBER_TYPES = {"double", "currency", "percent", "int"}

_SOAP_TYPES = {
    "id": "tns:ID",
    "reference": "tns:ID",
    "boolean": "xsd:boolean",
    "double": "xsd:double",
    "currency": "xsd:double",
    "percent": "xsd:double",
    "int": "xsd:int",
    "date": "xsd:date",
    "datetime": "xsd:dateTime",
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    type: str
    length: int = 0
    precision: int = 0
    scale: int = 0
    digits: int = 0
    picklist: tuple[str, ...] = ()
    restricted: bool = False
    default_picklist: str = ""
    updateable: bool = True
    createable: bool = True
    nillable: bool = True
    external_id: bool = False
    unique: bool = False
    custom: bool = False
    reference_to: tuple[str, ...] = ()
    relationship_name: str = ""
    defaulted_on_create: bool = False
    calculated: bool = False
    # A unique text field whose "ABC" and "abc" are different values (External ID matching and SOQL
    # equality then respect case).
    case_sensitive: bool = False

    def describe(self) -> dict[str, Any]:
        return {
            "aggregatable": self.type not in {"textarea"},
            "autoNumber": False,
            "byteLength": self.length * 3 if self.type in TEXT_TYPES else 0,
            "calculated": self.calculated,
            "caseSensitive": self.case_sensitive,
            "createable": self.createable,
            "custom": self.custom,
            "defaultValue": None,
            "defaultedOnCreate": self.defaulted_on_create,
            "digits": self.digits,
            "externalId": self.external_id,
            "filterable": self.type != "textarea",
            "groupable": self.type not in {"textarea", "double", "currency", "percent", "datetime"},
            "htmlFormatted": False,
            "idLookup": self.type == "id" or self.external_id,
            "inlineHelpText": None,
            "label": self.label,
            "length": self.length,
            "name": self.name,
            "nameField": self.name == "Name",
            "nillable": self.nillable,
            "picklistValues": [
                {
                    "active": True,
                    "defaultValue": value == self.default_picklist,
                    "label": value,
                    "validFor": None,
                    "value": value,
                }
                for value in self.picklist
            ],
            "precision": self.precision,
            "referenceTo": list(self.reference_to),
            "relationshipName": self.relationship_name or None,
            "restrictedPicklist": self.restricted,
            "scale": self.scale,
            "soapType": _SOAP_TYPES.get(self.type, "xsd:string"),
            "sortable": self.type != "textarea",
            "type": self.type,
            "unique": self.unique,
            "updateable": self.updateable,
        }


@dataclass(frozen=True)
class ObjectSpec:
    name: str
    label: str
    label_plural: str
    key_prefix: str
    fields: tuple[FieldSpec, ...]
    required_on_create: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    # Read-only fields computed from others (Contact.Name from FirstName + LastName).
    compound_name: bool = False

    def field(self, name: str) -> FieldSpec | None:
        return self.by_lower().get(name.lower())

    def relationship(self, name: str) -> FieldSpec | None:
        """The reference field whose relationship is ``name`` (``Account`` for ``AccountId``), any case."""
        lowered = name.lower()
        return next((spec for spec in self.fields if spec.relationship_name.lower() == lowered and lowered), None)

    def by_lower(self) -> dict[str, FieldSpec]:
        cached = self.__dict__.get("_by_lower")
        if cached is None:
            cached = {spec.name.lower(): spec for spec in self.fields}
            object.__setattr__(self, "_by_lower", cached)
        return cached

    def describe(self, version: str) -> dict[str, Any]:
        base = f"/services/data/v{version}/sobjects/{self.name}"
        return {
            "actionOverrides": [],
            "activateable": False,
            "childRelationships": [],
            "compactLayoutable": True,
            "createable": True,
            "custom": False,
            "customSetting": False,
            "deletable": True,
            "deprecatedAndHidden": False,
            "feedEnabled": False,
            "fields": [spec.describe() for spec in self.fields],
            "keyPrefix": self.key_prefix,
            "label": self.label,
            "labelPlural": self.label_plural,
            "layoutable": True,
            "mergeable": self.name in {"Contact", "Lead", "Account"},
            "name": self.name,
            "queryable": True,
            "recordTypeInfos": [],
            "replicateable": True,
            "retrieveable": True,
            "searchable": True,
            "triggerable": True,
            "undeletable": True,
            "updateable": True,
            "urls": {
                "compactLayouts": f"{base}/describe/compactLayouts",
                "rowTemplate": f"{base}/{{ID}}",
                "describe": f"{base}/describe",
                "sobject": base,
            },
        }

    def global_entry(self, version: str) -> dict[str, Any]:
        base = f"/services/data/v{version}/sobjects/{self.name}"
        return {
            "activateable": False,
            "createable": True,
            "custom": False,
            "customSetting": False,
            "deletable": True,
            "deprecatedAndHidden": False,
            "feedEnabled": False,
            "keyPrefix": self.key_prefix,
            "label": self.label,
            "labelPlural": self.label_plural,
            "layoutable": True,
            "mergeable": False,
            "name": self.name,
            "queryable": True,
            "replicateable": True,
            "retrieveable": True,
            "searchable": True,
            "triggerable": True,
            "undeletable": True,
            "updateable": True,
            "urls": {"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"},
        }


def _text(name: str, label: str, length: int, **kwargs: Any) -> FieldSpec:
    return FieldSpec(name, label, "string", length=length, **kwargs)


def _picklist(name: str, label: str, values: tuple[str, ...], **kwargs: Any) -> FieldSpec:
    return FieldSpec(name, label, "picklist", length=255, picklist=values, **kwargs)


def _bool(name: str, label: str, **kwargs: Any) -> FieldSpec:
    # Checkboxes are never nillable and are defaulted (false) on create.
    return FieldSpec(name, label, "boolean", nillable=False, defaulted_on_create=True, **kwargs)


def _reference(name: str, label: str, to: tuple[str, ...], relationship: str, **kwargs: Any) -> FieldSpec:
    return FieldSpec(name, label, "reference", length=18, reference_to=to, relationship_name=relationship, **kwargs)


def _system_fields(id_label: str) -> tuple[FieldSpec, ...]:
    read_only = {"updateable": False, "createable": False}
    return (
        FieldSpec("Id", id_label, "id", length=18, nillable=False, defaulted_on_create=True, **read_only),
        FieldSpec("IsDeleted", "Deleted", "boolean", nillable=False, defaulted_on_create=True, **read_only),
        _reference("OwnerId", "Owner ID", ("User",), "Owner", nillable=False, defaulted_on_create=True),
        FieldSpec("CreatedDate", "Created Date", "datetime", nillable=False, defaulted_on_create=True, **read_only),
        FieldSpec(
            "LastModifiedDate", "Last Modified Date", "datetime", nillable=False, defaulted_on_create=True, **read_only
        ),
        FieldSpec("SystemModstamp", "System Modstamp", "datetime", nillable=False, defaulted_on_create=True, **read_only),
    )


LEAD_SOURCES = ("Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other")
INDUSTRIES = (
    "Agriculture",
    "Apparel",
    "Banking",
    "Biotechnology",
    "Chemicals",
    "Communications",
    "Construction",
    "Consulting",
    "Education",
    "Electronics",
    "Energy",
    "Engineering",
    "Entertainment",
    "Environmental",
    "Finance",
    "Food & Beverage",
    "Government",
    "Healthcare",
    "Hospitality",
    "Insurance",
    "Machinery",
    "Manufacturing",
    "Media",
    "Not For Profit",
    "Recreation",
    "Retail",
    "Shipping",
    "Technology",
    "Telecommunications",
    "Transportation",
    "Utilities",
    "Other",
)
STAGES = (
    "Prospecting",
    "Qualification",
    "Needs Analysis",
    "Value Proposition",
    "Id. Decision Makers",
    "Perception Analysis",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
)
LEAD_STATUSES = ("Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted")
TASK_STATUSES = ("Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred")

_EXTERNAL_ID = FieldSpec("External_Id__c", "External Id", "string", length=64, external_id=True, unique=True, custom=True)
_LINKEDIN = FieldSpec("LinkedIn_URL__c", "LinkedIn URL", "url", length=255, custom=True)
# A URL field cannot be an external id (text, number, email or auto-number only): enrichment tools keep
# the profile URL in a text field marked External ID to upsert on it.
_LINKEDIN_PROFILE = FieldSpec("LinkedIn_Profile__c", "LinkedIn Profile", "string", length=255, external_id=True,
                              custom=True)
_NAME_READ_ONLY = FieldSpec(
    "Name", "Full Name", "string", length=121, updateable=False, createable=False, nillable=False, calculated=False
)

CONTACT = ObjectSpec(
    name="Contact",
    label="Contact",
    label_plural="Contacts",
    key_prefix="003",
    compound_name=True,
    required_on_create=("LastName",),
    fields=_system_fields("Contact ID")
    + (
        _text("FirstName", "First Name", 40),
        _text("LastName", "Last Name", 80, nillable=False),
        _NAME_READ_ONLY,
        FieldSpec("Email", "Email", "email", length=80),
        _text("Title", "Title", 128),
        _text("Department", "Department", 80),
        FieldSpec("Phone", "Business Phone", "phone", length=40),
        FieldSpec("MobilePhone", "Mobile Phone", "phone", length=40),
        _bool("HasOptedOutOfEmail", "Email Opt Out"),
        _bool("DoNotCall", "Do Not Call"),
        _reference("AccountId", "Account ID", ("Account",), "Account"),
        _picklist("LeadSource", "Lead Source", LEAD_SOURCES, restricted=True),
        FieldSpec("Description", "Contact Description", "textarea", length=32000),
        _text("MailingCity", "Mailing City", 40),
        _text("MailingCountry", "Mailing Country", 80),
        _LINKEDIN,
        _LINKEDIN_PROFILE,
        FieldSpec("Interests__c", "Interests", "multipicklist", length=4099, custom=True,
                  picklist=("Analytics", "CRM", "Security", "Cloud")),
        FieldSpec("Last_Enriched__c", "Last Enriched", "datetime", custom=True),
        FieldSpec("Score__c", "Score", "double", precision=5, scale=2, custom=True),
        FieldSpec("Source_Key__c", "Source Key", "string", length=64, external_id=True, unique=True, custom=True,
                  case_sensitive=True),
        _EXTERNAL_ID,
    ),
)

LEAD = ObjectSpec(
    name="Lead",
    label="Lead",
    label_plural="Leads",
    key_prefix="00Q",
    compound_name=True,
    required_on_create=("LastName", "Company"),
    defaults={"Status": "Open - Not Contacted", "IsConverted": False},
    fields=_system_fields("Lead ID")
    + (
        _text("FirstName", "First Name", 40),
        _text("LastName", "Last Name", 80, nillable=False),
        _NAME_READ_ONLY,
        _text("Company", "Company", 255, nillable=False),
        FieldSpec("Email", "Email", "email", length=80),
        _text("Title", "Title", 128),
        FieldSpec("Phone", "Phone", "phone", length=40),
        FieldSpec("MobilePhone", "Mobile Phone", "phone", length=40),
        _picklist(
            "Status",
            "Status",
            LEAD_STATUSES,
            restricted=True,
            nillable=False,
            default_picklist="Open - Not Contacted",
            defaulted_on_create=True,
        ),
        _picklist("LeadSource", "Lead Source", LEAD_SOURCES, restricted=True),
        _picklist("Industry", "Industry", INDUSTRIES),
        FieldSpec("Website", "Website", "url", length=255),
        FieldSpec("NumberOfEmployees", "Employees", "int", digits=8),
        FieldSpec("AnnualRevenue", "Annual Revenue", "currency", precision=18, scale=0),
        _bool("HasOptedOutOfEmail", "Email Opt Out"),
        _bool("DoNotCall", "Do Not Call"),
        FieldSpec(
            "IsConverted",
            "Converted",
            "boolean",
            nillable=False,
            updateable=False,
            createable=True,
            defaulted_on_create=True,
        ),
        FieldSpec("Description", "Description", "textarea", length=32000),
        _text("City", "City", 40),
        _text("Country", "Country", 80),
        _LINKEDIN,
        _EXTERNAL_ID,
    ),
)

ACCOUNT = ObjectSpec(
    name="Account",
    label="Account",
    label_plural="Accounts",
    key_prefix="001",
    required_on_create=("Name",),
    fields=_system_fields("Account ID")
    + (
        _text("Name", "Account Name", 255, nillable=False),
        _picklist("Industry", "Industry", INDUSTRIES),
        FieldSpec("Website", "Website", "url", length=255),
        FieldSpec("Phone", "Account Phone", "phone", length=40),
        FieldSpec("NumberOfEmployees", "Employees", "int", digits=8),
        FieldSpec("AnnualRevenue", "Annual Revenue", "currency", precision=18, scale=0),
        FieldSpec("Description", "Account Description", "textarea", length=32000),
        _text("BillingCity", "Billing City", 40),
        _EXTERNAL_ID,
    ),
)

# An org with Person Accounts enabled has these fields on Account too (the person's Contact fields,
# named Person*), and describe lists them only there: a client learns whether the org has Person
# Accounts from Account's describe (``SalesforceEmulator.enable_person_accounts``). ``IsPersonAccount``
# follows the record type in a real org; here it is given when a record is seeded.
# https://developer.salesforce.com/docs/atlas.en-us.244.0.sfFieldRef.meta/sfFieldRef/salesforce_field_reference_Account.htm
PERSON_ACCOUNT_FIELDS = (
    FieldSpec("IsPersonAccount", "Is Person Account", "boolean", nillable=False, updateable=False, createable=False,
              defaulted_on_create=True),
    _text("FirstName", "First Name", 40),
    _text("LastName", "Last Name", 80),
    FieldSpec("PersonEmail", "Email", "email", length=80),
    _bool("PersonHasOptedOutOfEmail", "Email Opt Out"),
    _bool("PersonDoNotCall", "Do Not Call"),
    _reference("PersonContactId", "Person Contact ID", ("Contact",), "PersonContact", updateable=False,
               createable=False),
)
PERSON_ACCOUNT = replace(ACCOUNT, fields=ACCOUNT.fields + PERSON_ACCOUNT_FIELDS)

OPPORTUNITY = ObjectSpec(
    name="Opportunity",
    label="Opportunity",
    label_plural="Opportunities",
    key_prefix="006",
    required_on_create=("Name", "StageName", "CloseDate"),
    fields=_system_fields("Opportunity ID")
    + (
        _text("Name", "Name", 120, nillable=False),
        _picklist("StageName", "Stage", STAGES, restricted=True, nillable=False),
        FieldSpec("Amount", "Amount", "currency", precision=18, scale=2),
        FieldSpec("CloseDate", "Close Date", "date", nillable=False),
        _reference("AccountId", "Account ID", ("Account",), "Account"),
        FieldSpec("Probability", "Probability (%)", "percent", precision=3, scale=0),
        FieldSpec("Description", "Description", "textarea", length=32000),
        _EXTERNAL_ID,
    ),
)

TASK = ObjectSpec(
    name="Task",
    label="Task",
    label_plural="Tasks",
    key_prefix="00T",
    defaults={"Status": "Not Started", "Priority": "Normal", "TaskSubtype": "Task"},
    fields=_system_fields("Activity ID")
    + (
        FieldSpec(
            "Subject", "Subject", "combobox", length=255, picklist=("Call", "Send Letter", "Send Quote", "Email", "Other")
        ),
        FieldSpec("Description", "Description", "textarea", length=32000),
        _picklist(
            "Status",
            "Status",
            TASK_STATUSES,
            restricted=True,
            nillable=False,
            default_picklist="Not Started",
            defaulted_on_create=True,
        ),
        _picklist(
            "Priority",
            "Priority",
            ("High", "Normal", "Low"),
            restricted=True,
            nillable=False,
            default_picklist="Normal",
            defaulted_on_create=True,
        ),
        _reference("WhoId", "Name ID", ("Contact", "Lead"), "Who"),
        _reference("WhatId", "Related To ID", ("Account", "Opportunity"), "What"),
        FieldSpec("ActivityDate", "Due Date Only", "date"),
        _picklist(
            "TaskSubtype",
            "Task Subtype",
            ("Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn"),
            restricted=True,
            updateable=False,
            defaulted_on_create=True,
        ),
    ),
)

# The users records are owned by (``Owner.Name`` in SOQL): not an object of this org's data, so it is
# not in OBJECTS (no describe, no DML), only a parent a relationship query can reach.
# https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_relationships_and_polymorph_keys.htm
USER = ObjectSpec(
    name="User",
    label="User",
    label_plural="Users",
    key_prefix="005",
    fields=(
        FieldSpec("Id", "User ID", "id", length=18, nillable=False, updateable=False, createable=False),
        _text("Name", "Full Name", 121, updateable=False, createable=False),
        FieldSpec("Email", "Email", "email", length=80),
        _text("Username", "Username", 80),
        _bool("IsActive", "Active"),
    ),
)

OBJECTS: dict[str, ObjectSpec] = {spec.name: spec for spec in (CONTACT, LEAD, ACCOUNT, OPPORTUNITY, TASK)}
OBJECTS_BY_LOWER = {name.lower(): spec for name, spec in OBJECTS.items()}
OBJECTS_BY_PREFIX = {spec.key_prefix: spec for spec in OBJECTS.values()}
# Ids of records the emulator does not store but accepts in reference fields (users, the org).
FOREIGN_PREFIXES = {"005": "User", "00D": "Organization"}


def lookup(name: str) -> ObjectSpec | None:
    return OBJECTS_BY_LOWER.get(name.lower())
