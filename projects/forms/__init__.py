"""The applicant's forms: five steps of one project, attachments, submission and organization.

Forms only parse HTTP input. The facts the engine reads (codes, quantities, units) arrive as
text and are judged by the engine through the services, so the page shows exactly the engine's
messages; the forms type-check what the engine does not see (dates, investment, files).
`StepForms` binds the forms of one step, turns them into the services' partial payload and puts
the errors the services return (by field path, e.g. `energy.1.quantity`) back on the inputs.

This package is the public face (`from projects.forms import X`); the code lives in
`steps` (the five steps), `fields` (pickers, widgets, field helpers), `step_forms` (the forms
of steps 1-4), `pending` (uploads kept across a failed validation), `lines` (the line
formsets and `StepForms`) and `organization` (attachment, submission, organization, filter).
"""

from __future__ import annotations

from .fields import (
    DATE_INPUT_FORMATS,
    OptionAttrsSelect,
    TypedDecimalField,
    date_input,
    energy_type_choices,
    number_input,
    product_choices,
    project_type_choices,
    unit_choices,
)
from .lines import (
    ENERGY_LIST_KINDS,
    LISTS,
    NUMBER_FIELDS,
    OPTIONAL_LISTS,
    STEP_LISTS,
    EnergyFormSet,
    ProductFormSet,
    SourceFormSet,
    StepForms,
)
from .organization import AttachmentForm, DashboardFilterForm, OrganizationForm, SubmitForm
from .pending import (
    PENDING_DIR,
    PENDING_SALT,
    pending_upload_keep,
    pending_upload_open,
    pending_upload_read,
)
from .step_forms import (
    BasicsForm,
    EnergyLineForm,
    EnergyTotalsForm,
    ProductLineForm,
    RowLabelsMixin,
    SubstitutionSourceForm,
)
from .steps import LAST_STEP, STEP_BY_NUMBER, STEPS, Step, step_of_path

__all__ = [
    "DATE_INPUT_FORMATS",
    "ENERGY_LIST_KINDS",
    "LAST_STEP",
    "LISTS",
    "NUMBER_FIELDS",
    "OPTIONAL_LISTS",
    "PENDING_DIR",
    "PENDING_SALT",
    "STEPS",
    "STEP_BY_NUMBER",
    "STEP_LISTS",
    "AttachmentForm",
    "BasicsForm",
    "DashboardFilterForm",
    "EnergyFormSet",
    "EnergyLineForm",
    "EnergyTotalsForm",
    "OptionAttrsSelect",
    "OrganizationForm",
    "ProductFormSet",
    "ProductLineForm",
    "RowLabelsMixin",
    "SourceFormSet",
    "Step",
    "StepForms",
    "SubmitForm",
    "SubstitutionSourceForm",
    "TypedDecimalField",
    "date_input",
    "energy_type_choices",
    "number_input",
    "pending_upload_keep",
    "pending_upload_open",
    "pending_upload_read",
    "product_choices",
    "project_type_choices",
    "step_of_path",
    "unit_choices",
]
