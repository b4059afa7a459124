"""Agencies, people and their roles."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from railab.web.accounts.countries import MemberCountries
from railab.web.core.tenancy import AgencyOwned


class AgencyKind(models.TextChoices):
    NATIONAL_POLICE = "national_police", _("National police")
    FEDERAL_POLICE = "federal_police", _("Federal or state police")
    GENDARMERIE = "gendarmerie", _("Gendarmerie")
    REGIONAL_POLICE = "regional_police", _("Regional or local police")
    INVESTIGATION = "investigation", _("Criminal investigation agency")
    BORDER_CUSTOMS = "border_customs", _("Border, customs or immigration agency")
    MINISTRY = "ministry", _("Ministry of the interior or justice")
    OTHER = "other", _("Other law-enforcement body")


class Agency(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"), countries=MemberCountries)
    kind = models.CharField(_("kind"), max_length=32, choices=AgencyKind.choices)
    verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_("Verified by the Lab as a law-enforcement body of a member country."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LabRole(models.TextChoices):
    NONE = "", _("None")
    CURATOR = "curator", _("Lab curator")
    LAB_ADMIN = "lab_admin", _("Lab administrator")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("lab_role", LabRole.LAB_ADMIN)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    lab_role = models.CharField(
        _("Lab role"), max_length=16, choices=LabRole.choices, default=LabRole.NONE, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    date_joined = models.DateTimeField(default=timezone.now, editable=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_lab_staff(self) -> bool:
        return self.lab_role in {LabRole.CURATOR, LabRole.LAB_ADMIN}

    @property
    def requires_two_factor(self) -> bool:
        """Agency administrators and Lab staff must sign in with a second factor."""
        if self.is_lab_staff or self.is_staff or self.is_superuser:
            return True
        return self.memberships.filter(role=Role.AGENCY_ADMIN).exists()


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    CONTRIBUTOR = "contributor", _("Contributor")
    ASSESSOR = "assessor", _("Assessor")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")

    @classmethod
    def rank(cls, role: str) -> int:
        return [cls.VIEWER, cls.CONTRIBUTOR, cls.ASSESSOR, cls.AGENCY_ADMIN].index(cls(role))


class Membership(AgencyOwned):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency_id} ({self.role})"

    def has_role(self, minimum: str) -> bool:
        return Role.rank(self.role) >= Role.rank(minimum)


class Invitation(AgencyOwned):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    # Only a hash is stored: a database leak must not yield usable invitation links.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.agency_id}"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class ApiToken(AgencyOwned):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
