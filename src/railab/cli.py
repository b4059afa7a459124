"""The ``railab`` command."""

from __future__ import annotations

import getpass
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from railab import __version__
from railab.audit.cli import audit_app
from railab.toolkit.cli import toolkit_app

app = typer.Typer(
    help="railab: the Responsible AI Lab's platform for the responsible use of AI in policing.",
    no_args_is_help=True,
    add_completion=False,
)
audit_log_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
app.add_typer(audit_log_app, name="audit-log")


app.add_typer(audit_app, name="audit")
app.add_typer(toolkit_app, name="toolkit")


def fail(message: str, code: int = 2) -> NoReturn:
    typer.secho(f"railab: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def _django() -> None:
    """Load the platform's settings; a bad setting ends with one line that names the fix."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "railab.web.config.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        fail(str(exc).splitlines()[0])


def _manage(*args: str, quiet: bool = False) -> None:
    from django.core.management import call_command

    kwargs: dict[str, Any] = {"verbosity": 0} if quiet else {}
    call_command(*args, **kwargs)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"railab {__version__}")
        raise typer.Exit


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """railab command line."""


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _run_processes(commands: list[list[str]]) -> int:
    """Run the web server and the task worker together; stop both when one stops."""
    procs = [subprocess.Popen(cmd) for cmd in commands]

    def stop(*_: object) -> None:
        for p in procs:
            if p.poll() is None:
                p.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    stop()
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
    return max((p.returncode or 0) for p in procs)


def _server_commands(host: str, port: int, workers: int) -> list[list[str]]:
    web = [
        sys.executable,
        "-m",
        "gunicorn",
        "railab.web.config.wsgi:application",
        f"--bind={host}:{port}",
        f"--workers={workers}",
        "--threads=4",
        "--access-logfile=-",
        "--graceful-timeout=5",
    ]
    worker = [sys.executable, "-m", "railab.web.manage", "db_worker", "--interval=0.5"]
    return [web, worker]


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Prepare the data and exit without serving.")
    ] = False,
) -> None:
    """Create the data directory, migrate, load demo data and serve (web + task worker)."""
    if not no_serve and not _port_free(host, port):
        fail(
            f"port {port} on {host} is already in use (is railab already running?); "
            f"stop that program or choose another port with --port {port + 1}"
        )
    _django()
    from django.conf import settings

    typer.echo(f"railab {__version__} — data in {settings.DATA_DIR}")
    _manage("migrate", "--no-input", quiet=True)
    from railab.web.core.demo import DEMO_PASSWORD, demo_seed

    logins = demo_seed()
    url = f"http://{host}:{port}/"
    typer.secho(f"\nrailab demo at {url}\n", bold=True)
    typer.echo(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    for login in logins:
        typer.echo(f"  {login.email:<30} {login.role:<24} {login.agency}")
    typer.echo(
        "\nAgency administrators and Lab staff sign in with a second factor. Add the key to "
        "any authenticator app (TOTP), or use one of the single-use recovery codes:"
    )
    for login in logins:
        if login.totp_key:
            codes = ", ".join(login.recovery_codes[:3]) or "(none left)"
            typer.echo(f"  {login.email:<30} key {login.totp_key}  codes {codes}")
    if no_serve:
        return
    typer.echo("\nPress Ctrl+C to stop.\n")
    raise typer.Exit(_run_processes(_server_commands(host, port, workers=2)))


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    workers: Annotated[int, typer.Option(help="Web worker processes.")] = 3,
    migrate: Annotated[bool, typer.Option(help="Apply database migrations first.")] = True,
) -> None:
    """Serve in production style: gunicorn plus the background task worker."""
    if not _port_free(host, port):
        fail(f"port {port} on {host} is already in use; stop that program or use --port")
    _django()
    from django.conf import settings

    if migrate:
        _manage("migrate", "--no-input", quiet=True)
    if settings.PRODUCTION:
        _manage("collectstatic", "--no-input", quiet=True)
    typer.echo(f"railab {__version__} serving on http://{host}:{port}/")
    raise typer.Exit(_run_processes(_server_commands(host, port, workers)))


@app.command()
def createadmin(
    email: Annotated[str, typer.Option(prompt=True, help="E-mail address (sign-in name).")],
    name: Annotated[str, typer.Option(prompt="Full name", help="Full name.")],
) -> None:
    """Create a Lab administrator (full access, second factor required at first sign-in)."""
    _django()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from railab.web.accounts.models import User
    from railab.web.auditlog.services import audit_record

    if User.objects.filter(email__iexact=email).exists():
        fail(f"an account for {email} exists already; choose another address")
    password = os.environ.get("RAILAB_ADMIN_PASSWORD") or getpass.getpass("Password: ")
    try:
        validate_password(password, User(email=email, full_name=name))
    except ValidationError as exc:
        fail(" ".join(exc.messages))
    with transaction.atomic():
        user = User.objects.create_superuser(email, password, full_name=name)
        audit_record(actor=None, action="user.create_admin", obj=user, after={"email": email})
    typer.echo(f"Lab administrator {email} created.")


@app.command()
def backup(file: Annotated[Path, typer.Argument(help="Where to write the backup.")]) -> None:
    """Write a consistent backup of the database (works while the platform runs)."""
    _django()
    from railab.web.core.backup import BackupError, backup_create

    try:
        path = backup_create(file)
    except BackupError as exc:
        fail(str(exc))
    typer.echo(f"Backup written to {path}")


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="A file written by `railab backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the database with a backup, after checking the backup is sound."""
    _django()
    from railab.web.core.backup import BackupError, backup_restore

    if not yes:
        typer.confirm("This replaces all current data. Continue?", abort=True)
    try:
        backup_restore(file)
    except BackupError as exc:
        fail(str(exc))
    typer.echo(f"Restored from {file}")


@audit_log_app.command("verify")
def audit_log_verify() -> None:
    """Recompute the hash chain; exit 1 and name the first broken link if it is broken."""
    _django()
    from railab.web.auditlog.services import audit_log_verify as verify

    result = verify()
    if result.ok:
        typer.echo(f"audit log intact: {result.checked} events verified")
        return
    typer.secho(
        f"audit log BROKEN at event #{result.first_broken_seq}: {result.problem} "
        f"({result.checked} events before it are intact)",
        err=True,
        fg=typer.colors.RED,
    )
    raise typer.Exit(1)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Run a Django management command (e.g. `railab manage migrate`)."""
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["railab manage", *ctx.args])


if __name__ == "__main__":  # pragma: no cover
    app()
