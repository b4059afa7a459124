"""Vocabularies of the resource bank. Codes are stable identifiers; labels translate."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryType(models.TextChoices):
    RESEARCH = "research", _("Research publication")
    USE_CASE = "use_case", _("Use case")
    TOOL = "tool", _("Tool or solution")
    EVALUATION = "evaluation", _("Evaluation or assessment")
    GUIDANCE = "guidance", _("Guidance and policy")
    INCIDENT = "incident", _("Incident")
    TRAINING = "training", _("Training material")
    DATASET = "dataset", _("Dataset")


class PolicingFunction(models.TextChoices):
    INVESTIGATION = "investigation", _("Criminal investigation")
    FORENSICS = "forensics", _("Forensics")
    BORDER = "border", _("Border and migration")
    TRAFFIC = "traffic", _("Traffic")
    PUBLIC_ORDER = "public_order", _("Public order")
    CYBERCRIME = "cybercrime", _("Cybercrime")
    FINANCIAL_CRIME = "financial_crime", _("Financial crime")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    COUNTER_TERRORISM = "counter_terrorism", _("Counter-terrorism")
    ORGANISED_CRIME = "organised_crime", _("Organised crime")
    PATROL = "patrol", _("Patrol and emergency response")
    INTELLIGENCE = "intelligence", _("Criminal intelligence")
    CUSTODY = "custody", _("Custody and corrections")
    ADMINISTRATION = "administration", _("Administration and resources")


class Technology(models.TextChoices):
    FACE_RECOGNITION = "face_recognition", _("Face recognition")
    BIOMETRICS = "biometrics", _("Other biometrics")
    LANGUAGE = "language", _("Language and translation")
    SPEECH = "speech", _("Speech")
    COMPUTER_VISION = "computer_vision", _("Computer vision")
    PREDICTIVE = "predictive", _("Predictive analytics")
    RISK_SCORING = "risk_scoring", _("Risk scoring")
    NETWORK_ANALYSIS = "network_analysis", _("Network analysis")
    DEEPFAKE_DETECTION = "deepfake_detection", _("Deepfake detection")
    GENERATIVE = "generative", _("Generative AI")
    DRONES_ROBOTICS = "drones_robotics", _("Drones and robotics")
    ANOMALY_DETECTION = "anomaly_detection", _("Anomaly detection")
    LICENCE_PLATES = "licence_plates", _("Licence-plate recognition")
    CONTENT_CLASSIFICATION = "content_classification", _("Content classification")


class LifecycleStage(models.TextChoices):
    DECISION = "decision", _("Decision to use AI")
    DESIGN = "design", _("Design and development")
    PROCUREMENT = "procurement", _("Procurement")
    TESTING = "testing", _("Testing and evaluation")
    DEPLOYMENT = "deployment", _("Deployment")
    MONITORING = "monitoring", _("Monitoring")
    RETIREMENT = "retirement", _("Retirement")


class Principle(models.TextChoices):
    LEGITIMACY = "legitimacy", _("Lawfulness and legitimacy")
    NECESSITY = "necessity", _("Necessity and proportionality")
    HARM = "harm", _("Minimising harm")
    HUMAN_AUTONOMY = "human_autonomy", _("Human autonomy and oversight")
    FAIRNESS = "fairness", _("Fairness and non-discrimination")
    GOVERNANCE = "governance", _("Good governance and accountability")
    TRANSPARENCY = "transparency", _("Transparency and explainability")
    PRIVACY = "privacy", _("Privacy and data protection")
    ROBUSTNESS = "robustness", _("Accuracy, robustness and security")


class UseCaseStatus(models.TextChoices):
    PILOT = "pilot", _("Pilot")
    IN_USE = "in_use", _("In use")
    STOPPED = "stopped", _("Stopped")


VOCABULARIES: dict[str, type[models.TextChoices]] = {
    "function": PolicingFunction,
    "technology": Technology,
    "lifecycle": LifecycleStage,
    "principle": Principle,
}

# Fields each entry type has beyond the common ones (title, summary, year, links...).
TYPE_FIELDS: dict[str, list[str]] = {
    EntryType.RESEARCH: ["venue"],
    EntryType.USE_CASE: ["agency_name", "status", "outcome", "lessons"],
    EntryType.TOOL: ["vendor", "capability", "deployment_model", "known_evaluations"],
    EntryType.EVALUATION: ["tool", "method", "metrics", "results"],
    EntryType.GUIDANCE: ["issuer", "jurisdiction", "binding"],
    EntryType.INCIDENT: ["what_happened", "who_was_harmed", "sources"],
    EntryType.TRAINING: ["provider", "format", "duration"],
    EntryType.DATASET: ["publisher", "licence", "size"],
}
