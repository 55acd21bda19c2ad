import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction

from accounts.models import User


@pytest.mark.django_db
def test_users_sign_in_by_email_whatever_its_case():
    # given
    User.objects.create_user(email="Ana.Lopez@Example.org", password="a-long-passphrase")

    # when
    user = authenticate(email="ana.lopez@example.org", password="a-long-passphrase")

    # then
    assert user is not None
    assert user.email == "ana.lopez@example.org"


@pytest.mark.django_db
def test_two_accounts_cannot_share_an_email_differing_only_in_case():
    User.objects.create_user(email="ana@example.org")
    with transaction.atomic(), pytest.raises(IntegrityError):
        User.objects.create(email="ANA@example.org")
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_a_user_without_a_password_cannot_sign_in():
    User.objects.create_user(email="invited@example.org")
    assert authenticate(email="invited@example.org", password="") is None


@pytest.mark.django_db
def test_superuser_is_staff():
    admin = User.objects.create_superuser(email="root@example.org", password="a-long-passphrase")
    assert (admin.is_staff, admin.is_superuser) == (True, True)


def test_creating_a_user_without_email_is_refused():
    with pytest.raises(ValueError, match=r"An email address is required\."):
        User.objects.create_user(email="")
