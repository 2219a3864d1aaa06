"""The ``users`` command: the user file of ``HUBEI_MAP_AUTH=users`` (add, remove, list)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _read_password(name: str) -> str:
    """The new password: asked twice without echo on a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass(f"password for {name}: ")
        if getpass.getpass("again: ") != first:
            raise ValueError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_users(args: argparse.Namespace) -> int:
    """Run ``hubei-map users add|remove|list``; returns the exit code."""
    from app.serve import users

    raw = args.file or os.environ.get("HUBEI_MAP_USERS", "")
    if not raw:
        print("error: name the user file with --file or HUBEI_MAP_USERS", file=sys.stderr)
        return 2
    path = Path(raw)
    try:
        if args.action == "list":
            for name in sorted(users.read_users(path)):
                print(name)
            return 0
        if not args.name:
            print(f"error: hubei-map users {args.action} needs a user name", file=sys.stderr)
            return 2
        if args.action == "remove":
            users.remove_user(path, args.name)
            print(f"removed {args.name} from {path}")
            return 0
        users.check_name(args.name)
        users.add_user(path, args.name, _read_password(args.name), replace=args.replace)
    except (users.UserFileError, ValueError) as exc:
        print(f"error: {exc}; the user file is unchanged", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write {path}: {exc.strerror or exc}; the user file is unchanged", file=sys.stderr)
        return 1
    print(f"{'set the password of' if args.replace else 'added'} {args.name} in {path} (argon2id hash, mode 0600)")
    return 0
